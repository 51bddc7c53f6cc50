//! Fixtures and request helpers: a fresh store per test (in-memory SQLite, or
//! a PostgreSQL schema of its own inside [`run_on`]) with a few obviously
//! fictional facilities, one of them with staff-only data.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use renkei_app::{load, load_index, ReadModel as IndexHandle};
use renkei_core::region::RegionTable;
use renkei_core::{
    AgeRange, Answer, CapabilityCode, CapabilityFact, Facility, FacilityId, FacilityStatus,
    KindCode, Location, LonLat, MunicipalityCode, Organization, Phone, Provenance, Service,
    Verification, Visibility,
};
use renkei_http::{router, AppState, HttpConfig};
use renkei_store::{Backend, DatabaseUrl, OpenOptions, SharedStore, SourceInfo};
use renkei_testdata::postgres::{database_url, fresh_schema, TestSchema};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;
use tower::ServiceExt;

/// Text that only staff may see; no response may contain any of it.
pub const STAFF_ONLY_TEXTS: [&str; 4] = [
    "STAFF-ONLY-NOTE",
    "STAFF-ONLY-CAPABILITY",
    "0467-99-0001",
    "0467990001",
];

pub const SOURCE: &str = "test-fixture";

pub fn source() -> SourceInfo {
    SourceInfo {
        key: SOURCE.into(),
        name: "架空テストデータ".into(),
        publisher: "renkei tests".into(),
        licence: "CC0 1.0".into(),
        attribution: "架空データ".into(),
        url: None,
        demo: true,
    }
}

pub fn id(record: &str) -> FacilityId {
    FacilityId::from_source(SOURCE, record)
}

fn facility(
    record: &str,
    kind: &str,
    name: &str,
    municipality: &str,
    position: Option<(f64, f64)>,
) -> Facility {
    Facility {
        id: id(record),
        kind: KindCode::new(kind).unwrap(),
        name: name.into(),
        name_kana: None,
        organization: Organization {
            name: "架空医療法人つばめ会".into(),
            url: None,
        },
        location: Location {
            address: format!("神奈川県架空市{record}丁目"),
            postal_code: Some("2530000".into()),
            position: position.map(|(lon, lat)| LonLat::new(lon, lat).unwrap()),
            stated_municipality: None,
            municipality: Some(MunicipalityCode::new(municipality).unwrap()),
            region: None,
            geocoded: None,
        },
        phones: vec![Phone {
            number: "0467-00-0000".into(),
            label: Some("代表".into()),
            visibility: Visibility::Public,
        }],
        url: None,
        services: vec![],
        status: FacilityStatus::Active,
        closed_on: None,
        staff_note: None,
        visibility: Visibility::Public,
        accreditations: Vec::new(),
        provenance: Provenance {
            source: SOURCE.into(),
            source_record_id: record.into(),
            imported_at: Utc.with_ymd_and_hms(2025, 4, 1, 9, 0, 0).unwrap(),
            licence: "CC0 1.0".into(),
            attribution: "架空データ".into(),
            demo: true,
        },
    }
}

/// 架空訪問看護ステーションさくら with a staff-only phone, staff notes and a
/// verified ventilator capability; a hospital in a 横浜市 ward; a desk with no
/// position; a closed clinic.
pub fn fixtures() -> Vec<Facility> {
    // Confirmed 30 days ago, so that it never lapses (#16) as the tests age.
    let verified = Verification {
        on: renkei_core::verification::tokyo_date(chrono::Utc::now()) - chrono::Duration::days(30),
        by_organization: "架空保健福祉事務所".into(),
    };
    let mut sakura = facility(
        "sakura",
        "visiting_nurse",
        "架空訪問看護ステーションさくら",
        "14207",
        Some((139.4037, 35.3334)),
    );
    sakura.staff_note = Some("STAFF-ONLY-NOTE 夜間は職員直通へ".into());
    sakura.phones.push(Phone {
        number: "0467-99-0001".into(),
        label: Some("職員専用直通".into()),
        visibility: Visibility::StaffOnly,
    });
    sakura.services = vec![Service {
        key: "main".into(),
        name: "小児訪問看護".into(),
        service_type: None,
        ages: AgeRange {
            min_years: Some(0),
            max_years: Some(18),
        },
        accepting_new_clients: Answer::Yes,
        respite_beds: None,
        verified: Some(verified.clone()),
        capabilities: vec![CapabilityFact {
            capability: CapabilityCode::new("ventilator").unwrap(),
            answer: Answer::Yes,
            verified: Some(verified),
            staff_note: Some("STAFF-ONLY-CAPABILITY 条件は電話で確認済み".into()),
        }],
        schedules: vec![],
    }];
    let hospital = facility(
        "kodomo",
        "hospital",
        "架空こども病院",
        "14110",
        Some((139.52, 35.40)),
    );
    let desk = facility(
        "momiji",
        "consultation_desk",
        "架空相談支援センターもみじ",
        "14207",
        None,
    );
    let mut closed = facility(
        "heiin",
        "clinic",
        "架空クリニック閉院",
        "14207",
        Some((139.40, 35.33)),
    );
    closed.status = FacilityStatus::Closed;
    vec![sakura, hospital, desk, closed]
}

/// The backend a test runs on and the PostgreSQL schemas it has made.
struct TestBackend {
    backend: Backend,
    schemas: Mutex<Vec<TestSchema>>,
}

tokio::task_local! {
    static BACKEND: TestBackend;
}

/// Runs `test` with [`store_with`] (and so [`state`] and [`app`]) making stores
/// on `backend`, then drops the PostgreSQL schemas it made. On PostgreSQL
/// without `DATABASE_URL`, prints one `skipped:` line and returns.
pub async fn run_on(backend: Backend, test: impl Future<Output = ()>) {
    if backend == Backend::Postgres && database_url().is_none() {
        return;
    }
    let context = TestBackend {
        backend,
        schemas: Mutex::new(Vec::new()),
    };
    BACKEND
        .scope(context, async {
            test.await;
            let schemas = BACKEND.with(|b| std::mem::take(&mut *b.schemas.lock().unwrap()));
            for schema in schemas {
                schema.drop_now().await;
            }
        })
        .await;
}

/// The backend of the running test: SQLite outside [`run_on`].
pub fn backend() -> Backend {
    BACKEND.try_with(|b| b.backend).unwrap_or(Backend::Sqlite)
}

/// A fresh store on the test's [`backend`] holding `facilities`.
pub async fn store_with(facilities: &[Facility]) -> SharedStore {
    let store = match backend() {
        Backend::Sqlite => {
            renkei_store::open(&DatabaseUrl::new("sqlite::memory:"), OpenOptions::default())
                .await
                .unwrap()
        }
        Backend::Postgres => {
            let schema = fresh_schema().await.expect("run_on checked DATABASE_URL");
            let options = OpenOptions {
                schema: Some(schema.name().to_owned()),
                max_connections: 4,
                ..OpenOptions::default()
            };
            let store = renkei_store::open(&DatabaseUrl::new(schema.url()), options)
                .await
                .expect("open PostgreSQL test schema");
            BACKEND.with(|b| b.schemas.lock().unwrap().push(schema));
            store
        }
    };
    store
        .upsert_facilities(&source(), facilities)
        .await
        .unwrap();
    store
}

/// Config whose web folder does not exist.
pub fn config() -> HttpConfig {
    HttpConfig {
        web_dir: PathBuf::from("/nonexistent/renkei-web-dist"),
        ..HttpConfig::default()
    }
}

/// App state over a fresh store with the fixtures.
pub async fn state() -> AppState {
    let store = store_with(&fixtures()).await;
    let index = IndexHandle::new(load_index(store.as_ref()).await.unwrap());
    AppState::new(store, index, config())
}

/// The router over a fresh store with the fixtures.
pub async fn app() -> Router {
    router(state().await)
}

/// The router over the fixtures with the built-in Kanagawa region table
/// (its designated cities and wards), as `renkei serve` loads it.
pub async fn app_with_kanagawa() -> Router {
    let store = store_with(&fixtures()).await;
    let table =
        RegionTable::from_toml(include_str!("../../../../data/regions/14_kanagawa.toml")).unwrap();
    store.upsert_region_table(&table).await.unwrap();
    let index = IndexHandle::from_snapshot(load(store.as_ref()).await.unwrap());
    router(AppState::new(store, index, config()))
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .map_or("", |v| v.to_str().unwrap())
    }

    /// Asserts this is a JSON error with `status` and `code`; returns the error object.
    pub fn assert_error(&self, status: StatusCode, code: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type().starts_with("application/json"),
            "{}",
            self.content_type()
        );
        let error = self.json()["error"].clone();
        assert_eq!(error["code"], code, "{error}");
        assert!(
            error["message"].as_str().is_some_and(|m| m.contains(" / ")),
            "{error}"
        );
        error
    }
}

pub async fn send(app: Router, request: Request<Body>) -> Reply {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(app: Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}
