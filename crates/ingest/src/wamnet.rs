//! WAM NET 障害福祉サービス等情報公表システム open data (`csvdownload0NN.csv`, one
//! file per service: 021 療養介護, 024 短期入所, 063 児童発達支援, 064 医療型児童発達支援,
//! 065 放課後等デイサービス, 066 居宅訪問型児童発達支援, 067 保育所等訪問支援, 068/069
//! 障害児入所施設, 052/070 相談支援 …).
//!
//! One office appears once per service it offers, so a record is keyed by
//! 事業所番号 together with サービス種別.

use crate::draft::{FacilityDraft, ServiceDraft};
use crate::parse::{position, ParsedRows};
use crate::table::{ColumnSpec, Row, Table};
use crate::IngestResult;
use renkei_core::{KindCode, Schedule, Taxonomy};

const SERVICE: ColumnSpec = ColumnSpec {
    aliases: &["サービス種別"],
    required: true,
};
const NAME: ColumnSpec = ColumnSpec {
    aliases: &["事業所の名称"],
    required: true,
};
const KANA: ColumnSpec = ColumnSpec {
    aliases: &["事業所の名称_かな"],
    required: false,
};
const OFFICE_NUMBER: ColumnSpec = ColumnSpec {
    aliases: &["事業所番号"],
    required: true,
};
const CITY: ColumnSpec = ColumnSpec {
    aliases: &["事業所住所（市区町村）"],
    required: true,
};
const STREET: ColumnSpec = ColumnSpec {
    aliases: &["事業所住所（番地以降）"],
    required: true,
};
const PHONE: ColumnSpec = ColumnSpec {
    aliases: &["事業所電話番号"],
    required: false,
};
const URL: ColumnSpec = ColumnSpec {
    aliases: &["事業所URL"],
    required: false,
};
const LAT: ColumnSpec = ColumnSpec {
    aliases: &["事業所緯度"],
    required: true,
};
const LON: ColumnSpec = ColumnSpec {
    aliases: &["事業所経度"],
    required: true,
};
const CORPORATION: ColumnSpec = ColumnSpec {
    aliases: &["法人の名称"],
    required: false,
};
const CORPORATION_URL: ColumnSpec = ColumnSpec {
    aliases: &["法人URL"],
    required: false,
};
const CAPACITY: ColumnSpec = ColumnSpec {
    aliases: &["定員"],
    required: false,
};
const WEEKDAY_HOURS: ColumnSpec = ColumnSpec {
    aliases: &["利用可能な時間帯（平日）"],
    required: false,
};
const SATURDAY_HOURS: ColumnSpec = ColumnSpec {
    aliases: &["利用可能な時間帯（土曜）"],
    required: false,
};
const SUNDAY_HOURS: ColumnSpec = ColumnSpec {
    aliases: &["利用可能な時間帯（日曜）"],
    required: false,
};
const HOLIDAY_HOURS: ColumnSpec = ColumnSpec {
    aliases: &["利用可能な時間帯（祝日）"],
    required: false,
};
const CLOSED_DAYS: ColumnSpec = ColumnSpec {
    aliases: &["定休日"],
    required: false,
};

/// Facilities of one WAM NET service file.
pub fn parse(table: &Table) -> IngestResult<ParsedRows> {
    let [service, name, kana, number, city, street, phone, url, lat, lon, corporation, corporation_url, capacity] =
        table.columns([
            SERVICE,
            NAME,
            KANA,
            OFFICE_NUMBER,
            CITY,
            STREET,
            PHONE,
            URL,
            LAT,
            LON,
            CORPORATION,
            CORPORATION_URL,
            CAPACITY,
        ])?;
    let [weekday, saturday, sunday, holiday, closed_days] = table.columns([
        WEEKDAY_HOURS,
        SATURDAY_HOURS,
        SUNDAY_HOURS,
        HOLIDAY_HOURS,
        CLOSED_DAYS,
    ])?;
    let mut parsed = ParsedRows::default();
    for row in table.rows() {
        let (Some(record_number), Some(service_label), Some(facility_name)) =
            (row.get(number), row.get(service), row.get(name))
        else {
            let (column, what) = if row.get(number).is_none() {
                (number, "事業所番号")
            } else if row.get(service).is_none() {
                (service, "サービス種別")
            } else {
                (name, "事業所の名称")
            };
            parsed
                .rejected
                .push(row.error(column, "", format!("{what} is empty")));
            continue;
        };
        let Some(service_type) = Taxonomy::builtin().service_type_by_label(service_label) else {
            parsed.rejected.push(row.error(
                service,
                service_label,
                "is not a service type renkei lists for children",
            ));
            continue;
        };
        let record_id = format!("{record_number}:{}", service_type.as_str());
        let position = match position(&row, lon, lat) {
            Ok(position) => position,
            Err(error) => {
                parsed.reject_listed(&record_id, error);
                continue;
            }
        };
        let capacity_value = row.get(capacity).and_then(|c| c.parse::<u32>().ok());
        let is_short_stay = service_type.as_str() == "short_stay";
        let schedules = [
            (weekday, &["MO", "TU", "WE", "TH", "FR"][..]),
            (saturday, &["SA"]),
            (sunday, &["SU"]),
            (holiday, &["PH"]),
        ]
        .into_iter()
        .filter_map(|(column, days)| hours(&row, column, days, row.get(closed_days)))
        .collect();
        parsed.drafts.push(FacilityDraft {
            source_line: row.line(),
            record_id,
            kind: KindCode::new("welfare_provider").expect("welfare_provider is in the taxonomy"),
            name: facility_name.to_owned(),
            name_kana: row.get(kana).map(str::to_owned),
            organization: row.get(corporation).map(str::to_owned),
            organization_url: row.get(corporation_url).map(str::to_owned),
            address: format!(
                "{}{}",
                row.get(city).unwrap_or_default(),
                row.get(street).unwrap_or_default()
            ),
            postal_code: None,
            // WAM NET's own code column names the designating authority, not the
            // office's municipality; the municipality comes from the position.
            municipality: None,
            position,
            phones: row
                .get(phone)
                .map(|p| (p.to_owned(), Some("事業所".to_owned())))
                .into_iter()
                .collect(),
            url: row.get(url).map(str::to_owned),
            services: vec![ServiceDraft {
                key: service_type.as_str().to_owned(),
                name: service_label.to_owned(),
                respite_beds: capacity_value.filter(|_| is_short_stay),
                service_type: Some(service_type),
                schedules,
            }],
        });
    }
    Ok(parsed)
}

/// Opening hours from a cell such as `09:00-17:00` or `9:00～17:00`; other
/// text is kept as a description rather than guessed at.
fn hours(
    row: &Row<'_>,
    column: Option<usize>,
    weekdays: &[&str],
    closed_days: Option<&str>,
) -> Option<Schedule> {
    let text = row.get(column)?;
    let normalized = text.replace(['～', '〜', '~', '－', '−'], "-");
    let times = normalized
        .split_once('-')
        .and_then(|(open, close)| Some((clock(open.trim())?, clock(close.trim())?)));
    Some(Schedule {
        weekdays: weekdays.iter().map(|d| (*d).to_owned()).collect(),
        opens_at: times.as_ref().map(|t| t.0.clone()),
        closes_at: times.map(|t| t.1),
        description: match (normalized.split_once('-').is_some(), closed_days) {
            (true, Some(closed)) => Some(format!("定休日: {closed}")),
            (true, None) => None,
            (false, _) => Some(text.to_owned()),
        },
    })
}

/// `H:MM` or `HH:MM` → `HH:MM`.
fn clock(text: &str) -> Option<String> {
    let (h, m) = text.split_once(':')?;
    let (h, m) = (h.parse::<u8>().ok()?, m.parse::<u8>().ok()?);
    (h <= 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "都道府県コード又は市区町村コード,NO（※システム内の固有の番号、連番）,指定機関名,法人の名称,法人の名称_かな,法人番号,法人住所（市区町村）,法人住所（番地以降）,法人電話番号,法人FAX番号,法人URL,サービス種別,事業所の名称,事業所の名称_かな,事業所番号,事業所住所（市区町村）,事業所住所（番地以降）,事業所電話番号,事業所FAX番号,事業所URL,事業所緯度,事業所経度,利用可能な時間帯（平日）,利用可能な時間帯（土曜）,利用可能な時間帯（日曜）,利用可能な時間帯（祝日）,定休日,利用可能曜日特記事項（留意事項）,定員";

    #[test]
    fn one_record_per_office_and_service_with_hours_and_beds() {
        let text = format!(
            "{HEADER}\n14000,X1,神奈川県,架空福祉会,,,,,,,,短期入所,架空ショートステイ,,1499999901,神奈川県茅ヶ崎市,架空町1,0467-00-0001,,,35.33,139.40,9:00～17:00,,,,日曜日,,4\n\
             14000,X2,神奈川県,架空福祉会,,,,,,,,保育所等訪問支援,架空ショートステイ,,1499999901,神奈川県茅ヶ崎市,架空町1,0467-00-0001,,,35.33,139.40,,,,,,,\n\
             14000,X3,神奈川県,架空福祉会,,,,,,,,訪問介護,架空ヘルパー,,1499999902,神奈川県茅ヶ崎市,架空町2,,,,35.33,139.40,,,,,,,\n"
        );
        let parsed = parse(&Table::parse("csvdownload024.csv", &text).unwrap()).unwrap();
        assert_eq!(parsed.drafts.len(), 2);
        assert_eq!(parsed.drafts[0].record_id, "1499999901:short_stay");
        assert_eq!(
            parsed.drafts[1].record_id,
            "1499999901:nursery_visit_support"
        );
        let stay = &parsed.drafts[0].services[0];
        assert_eq!(stay.respite_beds, Some(4));
        assert_eq!(stay.schedules[0].opens_at.as_deref(), Some("09:00"));
        assert_eq!(
            stay.schedules[0].description.as_deref(),
            Some("定休日: 日曜日")
        );
        assert_eq!(parsed.drafts[0].address, "神奈川県茅ヶ崎市架空町1");
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].value, "訪問介護");
    }
}
