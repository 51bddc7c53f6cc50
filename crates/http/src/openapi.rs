//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use crate::error::{ErrorBody, ErrorDetail};
use crate::{
    coverage, docs, facilities, geocode, health, imports, print, regions, rollout, search, tiles,
};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use renkei_core::Taxonomy;
use std::sync::OnceLock;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// The API description; `ApiDoc::openapi()` builds the document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "renkei API",
        description = "小児在宅医療の資源マップと紹介先名簿 (renkei) の API。\
            Resource map and referral directory for pediatric home medical care.\n\n\
            Errors are JSON `{\"error\": {\"code\", \"message\", \"message_ja\", \"message_en\", \"field\"?}}` \
            with a stable snake_case `code`. Coordinates are WGS 84 degrees, longitude first.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        health::health,
        facilities::list_facilities,
        facilities::get_facility,
        regions::list_regions,
        regions::region_at,
        regions::get_area,
        regions::list_area_facilities,
        imports::list_imports,
        search::search,
        print::print_map,
        print::print_leaflet,
        print::print_referral,
        print::print_rollout,
        geocode::geocode,
        geocode::reverse_geocode,
        tiles::tile,
        tiles::tilejson,
        coverage::coverage,
        rollout::list_stages,
        rollout::list_areas,
        rollout::get_area,
        rollout::get_council,
        rollout::list_issues,
        openapi_json,
        docs::api_docs,
    ),
    components(schemas(ErrorBody, ErrorDetail, facilities::Format)),
    modifiers(&CommonErrors, &KindCodes),
    tags(
        (name = "facilities", description = "施設 / Facilities: the directory, as JSON, GeoJSON or CSV"),
        (name = "regions", description = "二次医療圏・市区町村 / Secondary medical regions and municipalities, with boundaries"),
        (name = "tiles", description = "ベクタータイル / Vector tiles (MVT) and TileJSON for MapLibre, QGIS and GDAL"),
        (name = "search", description = "紹介先の検索・住所検索 / Referral search and the offline geocoder"),
        (name = "print", description = "印刷物 (PDF) / Printed maps, leaflets and referral sheets"),
        (name = "coverage", description = "カバー率とギャップ分析 / Coverage and gap analysis per 二次医療圏 on the JIS X 0410 grid"),
        (name = "rollout", description = "全県展開 / Regional rollout of the Chigasaki model: areas, stages, councils, 課題 and 取組 (read-only)"),
        (name = "service", description = "稼働状況 / Service status"),
        (name = "documentation", description = "API の説明 / This API's description"),
    )
)]
pub struct ApiDoc;

/// Adds the errors any route can return (405, 413, 500, 503) to every operation.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let common = [
            (
                "405",
                "Method not allowed on this path / このメソッドは使えません",
            ),
            (
                "413",
                "Request body larger than 1 MiB / リクエスト本文が大きすぎます",
            ),
            (
                "500",
                "Internal error; the message is generic / サーバー内部エラー",
            ),
            (
                "503",
                "Timed out or database unavailable / 時間切れ、またはデータベースに接続できません",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, description) in common {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            let content = ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build();
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/json", content)
                                .build()
                                .into()
                        });
                }
            }
        }
    }
}

/// Lists the taxonomy's kind codes as the allowed values of every `kind`
/// parameter, so the document stays in step with `data/taxonomy.toml`.
struct KindCodes;

impl Modify for KindCodes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let codes: Vec<String> = Taxonomy::builtin()
            .kinds
            .iter()
            .map(|term| term.code.clone())
            .collect();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let parameters = operation.parameters.iter_mut().flatten();
                for parameter in parameters.filter(|p| p.name == "kind") {
                    let schema = ObjectBuilder::new()
                        .schema_type(Type::String)
                        .enum_values(Some(codes.clone()));
                    parameter.schema = Some(schema.into());
                }
            }
        }
    }
}

/// The generated document as JSON, built once.
pub fn document() -> &'static serde_json::Value {
    static DOCUMENT: OnceLock<serde_json::Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document serialises")
    })
}

/// OpenAPI 3.1 document of this API.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "documentation",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json", body = Object))
)]
pub async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document().to_string(),
    )
        .into_response()
}
