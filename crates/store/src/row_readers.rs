//! Row → struct functions shared by both backends. The backends differ only in
//! the row type and in how a UUID column is decoded, so each backend defines
//! `get` and `get_uuid` for its row type and expands [`row_readers!`] once.

/// Defines `location_row`, `service_row`, `phone_row`, `schedule_row`,
/// `capability_row`, `source_row` and `accreditation_row` for `$row`, using the `get` and `get_uuid`
/// functions in scope where it is expanded.
macro_rules! row_readers {
    ($row:ty) => {
        fn location_row(row: &$row) -> StoreResult<StoredLocation> {
            const E: &str = "location";
            let organization_id = get_uuid(row, "organization_id", E)?;
            Ok(StoredLocation {
                location: LocationRow {
                    id: get_uuid(row, "id", E)?,
                    organization_id,
                    kind: get(row, "kind", E)?,
                    name: get(row, "name", E)?,
                    name_kana: get(row, "name_kana", E)?,
                    address: get(row, "address", E)?,
                    postal_code: get(row, "postal_code", E)?,
                    lon: get(row, "lon", E)?,
                    lat: get(row, "lat", E)?,
                    stated_municipality_code: get(row, "stated_municipality_code", E)?,
                    municipality_code: get(row, "municipality_code", E)?,
                    region_code: get(row, "region_code", E)?,
                    url: get(row, "url", E)?,
                    status: get(row, "status", E)?,
                    closed_on: get(row, "closed_on", E)?,
                    staff_note: get(row, "staff_note", E)?,
                    source_key: get(row, "source_key", E)?,
                    source_record_id: get(row, "source_record_id", E)?,
                    imported_at: get(row, "imported_at", E)?,
                    content_hash: get(row, "content_hash", E)?,
                },
                organization: OrganizationRow {
                    id: organization_id,
                    name: get(row, "organization_name", "organization")?,
                    url: get(row, "organization_url", "organization")?,
                },
                licence: get(row, "licence", "source")?,
                attribution: get(row, "attribution", "source")?,
                demo: get(row, "demo", "source")?,
                geocoded: get(row, "geocoded_precision", "location_geocode")?,
            })
        }

        fn service_row(row: &$row) -> StoreResult<ServiceRow> {
            const E: &str = "service";
            Ok(ServiceRow {
                id: get_uuid(row, "id", E)?,
                organization_id: get_uuid(row, "organization_id", E)?,
                location_id: get_uuid(row, "location_id", E)?,
                position: get(row, "position", E)?,
                key: get(row, "key", E)?,
                name: get(row, "name", E)?,
                service_type: get(row, "service_type", E)?,
                age_min_years: get(row, "age_min_years", E)?,
                age_max_years: get(row, "age_max_years", E)?,
                accepting_new_clients: get(row, "accepting_new_clients", E)?,
                respite_beds: get(row, "respite_beds", E)?,
                verified_on: get(row, "verified_on", E)?,
                verified_by: get(row, "verified_by", E)?,
            })
        }

        fn phone_row(row: &$row) -> StoreResult<PhoneRow> {
            const E: &str = "phone";
            Ok(PhoneRow {
                location_id: get_uuid(row, "location_id", E)?,
                position: get(row, "position", E)?,
                number: get(row, "number", E)?,
                label: get(row, "label", E)?,
                visibility: get(row, "visibility", E)?,
            })
        }

        fn schedule_row(row: &$row) -> StoreResult<ScheduleRow> {
            const E: &str = "schedule";
            Ok(ScheduleRow {
                service_id: get_uuid(row, "service_id", E)?,
                position: get(row, "position", E)?,
                byday: get(row, "byday", E)?,
                opens_at: get(row, "opens_at", E)?,
                closes_at: get(row, "closes_at", E)?,
                description: get(row, "description", E)?,
            })
        }

        fn capability_row(row: &$row) -> StoreResult<CapabilityRow> {
            const E: &str = "service_capability";
            Ok(CapabilityRow {
                service_id: get_uuid(row, "service_id", E)?,
                position: get(row, "position", E)?,
                capability: get(row, "capability", E)?,
                answer: get(row, "answer", E)?,
                verified_on: get(row, "verified_on", E)?,
                verified_by: get(row, "verified_by", E)?,
                staff_note: get(row, "staff_note", E)?,
            })
        }

        fn source_row(row: &$row) -> StoreResult<SourceInfo> {
            const E: &str = "source";
            Ok(SourceInfo {
                key: get(row, "key", E)?,
                name: get(row, "name", E)?,
                publisher: get(row, "publisher", E)?,
                licence: get(row, "licence", E)?,
                attribution: get(row, "attribution", E)?,
                url: get(row, "url", E)?,
                demo: get(row, "demo", E)?,
            })
        }

        fn verified_row(row: &$row) -> StoreResult<crate::rows::VerifiedRow> {
            const E: &str = "verified_fact";
            Ok(crate::rows::VerifiedRow {
                location_id: get_uuid(row, "location_id", E)?,
                service_key: get(row, "service_key", E)?,
                field: get(row, "field", E)?,
                answer: get(row, "answer", E)?,
                verified_on: get(row, "verified_on", E)?,
                verified_by: get(row, "verified_by", E)?,
                staff_note: get(row, "staff_note", E)?,
            })
        }

        fn accreditation_row(row: &$row) -> StoreResult<crate::rows::AccreditationRow> {
            const E: &str = "hospital_accreditation";
            Ok(crate::rows::AccreditationRow {
                location_id: get_uuid(row, "location_id", E)?,
                accreditation: get(row, "accreditation", E)?,
                since: get(row, "since", E)?,
            })
        }
    };
}

pub(crate) use row_readers;
