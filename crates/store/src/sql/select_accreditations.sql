-- Hospital accreditations; both backends append their own WHERE clause.
SELECT location_id, accreditation, since
FROM hospital_accreditations
