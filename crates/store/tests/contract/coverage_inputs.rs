//! Mesh population and declared service areas (coverage inputs).

use crate::support::{facility, source};
use renkei_core::MunicipalityCode;
use renkei_store::{MeshPopulationRecord, ServiceAreaRecord, Store, StoreError};

pub(crate) fn cell(code: &str, under_15: u64) -> MeshPopulationRecord {
    MeshPopulationRecord {
        mesh: code.parse().unwrap(),
        total: under_15 * 7,
        under_15,
        year: 2020,
        source: "架空メッシュ統計".into(),
    }
}

/// A file replaces the cells of the 1st meshes it covers and keeps the others.
pub async fn mesh_population_replaces_per_first_mesh(store: &dyn Store) {
    let version = store.data_version().await.unwrap();
    store
        .replace_mesh_population(
            "a.txt",
            &[
                cell("53390302", 10),
                cell("533903031", 3),
                cell("52390000", 4),
            ],
        )
        .await
        .unwrap();
    assert!(store.data_version().await.unwrap() > version);
    store
        .replace_mesh_population("b.txt", &[cell("53390400", 8)])
        .await
        .unwrap();
    let stored: Vec<(String, u64)> = store
        .mesh_populations()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.mesh.code(), r.under_15))
        .collect();
    assert_eq!(
        stored,
        [("52390000".to_owned(), 4), ("53390400".to_owned(), 8)],
        "1st mesh 5339 replaced, 5239 kept"
    );
    let again = store.mesh_populations().await.unwrap();
    assert_eq!(again[1].total, 56);
    assert_eq!(again[1].year, 2020);
}

/// Areas are replaced per provider; an unknown provider is not found and
/// nothing of the batch is written.
pub async fn service_areas_replace_per_provider(store: &dyn Store) {
    let src = source("test-areas");
    let a = facility(
        &src,
        "a",
        "visiting_nurse",
        "架空訪問看護ステーションあ",
        "14207",
    );
    let b = facility(
        &src,
        "b",
        "visiting_nurse",
        "架空訪問看護ステーションい",
        "14205",
    );
    store
        .upsert_facilities(&src, &[a.clone(), b.clone()])
        .await
        .unwrap();
    let area = |f: &renkei_core::Facility, code: &str| ServiceAreaRecord {
        facility: f.id,
        municipality: MunicipalityCode::new(code).unwrap(),
    };
    let stored = store
        .replace_service_areas(
            "1.csv",
            &[area(&a, "14207"), area(&a, "14205"), area(&b, "14100")],
        )
        .await
        .unwrap();
    assert_eq!(stored, 3);
    store
        .replace_service_areas("2.csv", &[area(&a, "14321")])
        .await
        .unwrap();
    let mut found: Vec<(renkei_core::FacilityId, String)> = store
        .service_areas()
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.facility, r.municipality.to_string()))
        .collect();
    found.sort();
    let mut expected = vec![(a.id, "14321".to_owned()), (b.id, "14100".to_owned())];
    expected.sort();
    assert_eq!(found, expected, "a's areas replaced, b's kept");

    let stranger = renkei_core::FacilityId::from_source("test-areas", "nobody");
    let error = store
        .replace_service_areas(
            "3.csv",
            &[
                area(&b, "14130"),
                ServiceAreaRecord {
                    facility: stranger,
                    municipality: MunicipalityCode::new("14207").unwrap(),
                },
            ],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::NotFound {
                entity: "facility",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        store.service_areas().await.unwrap().len(),
        2,
        "nothing changed"
    );
}
