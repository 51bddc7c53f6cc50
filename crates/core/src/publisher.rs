//! Links to a record's page at its publisher, so a family or a desk can check
//! the official entry (phone, hours, services) at the source.
//!
//! The URL patterns, and where they were found (public code that links to the
//! same pages; renkei has no network to confirm them live):
//! - 医療情報ネット（ナビイ）, hospitals and clinics:
//!   `https://www.iryou.teikyouseido.mhlw.go.jp/znk-web/juminkanja/S2430/initialize?prefCd={2}&kikanKbn={1}&kikanCd={10}`,
//!   the three parts being the 13-digit ID of the open-data 施設票 (都道府県コード,
//!   機関区分 1 病院 / 2 診療所, 10-digit 医療機関コード). Seen in two unrelated public
//!   repositories (a clinic-finder that builds the link from the same ID
//!   layout, and a scraper's tests). A record page.
//! - 介護サービス情報公表システム: the record page is
//!   `https://www.kaigokensaku.mhlw.go.jp/{pref}/index.php?action_kouhyou_detail_{NNN}_kihon=true&JigyosyoCd={事業所番号}-00&ServiceCd={service}`,
//!   but `NNN` is a per-service form version that could not be confirmed for
//!   訪問看護 (130), so renkei links the prefecture's search page
//!   `https://www.kaigokensaku.mhlw.go.jp/{pref}/` instead, and says so.
//! - WAM NET 障害福祉サービス等情報検索: record pages need the publisher's internal
//!   法人 number, which the open data does not carry; renkei links the search
//!   page `https://www.wam.go.jp/sfkohyoout/COP000100E0000.do`, and says so.
//! - 地方厚生局 保険医療機関一覧 (clinics without a 医療情報ネット record): the
//!   医療情報ネット search page, said so.

use crate::Provenance;

/// A page at the publisher about a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublisherPage {
    /// The address.
    pub url: String,
    /// True when it is the record's own page; false when it is the
    /// publisher's search page (the record's page cannot be built).
    pub is_record: bool,
    /// The publisher's service, e.g. 医療情報ネット（ナビイ）.
    pub publisher: &'static str,
}

impl PublisherPage {
    /// Link text for a card, Japanese.
    pub fn label_ja(&self) -> String {
        if self.is_record {
            format!("{}の掲載ページ", self.publisher)
        } else {
            format!(
                "{}で検索（この施設のページへの直接リンクは作れません）",
                self.publisher
            )
        }
    }
}

const NAVII: &str = "医療情報ネット（ナビイ）";
const NAVII_SEARCH: &str =
    "https://www.iryou.teikyouseido.mhlw.go.jp/znk-web/juminkanja/S2300/initialize";

/// The publisher's page for a record of `provenance`, when its source has one.
///
/// ```
/// use renkei_core::publisher::publisher_page;
/// use renkei_core::Provenance;
/// let provenance = Provenance {
///     source: "mhlw-iryou-joho-net".into(),
///     source_record_id: "1411400001600".into(),
///     imported_at: chrono::Utc::now(),
///     licence: String::new(),
///     attribution: String::new(),
///     demo: false,
/// };
/// let page = publisher_page(&provenance).unwrap();
/// assert!(page.is_record && page.url.ends_with("prefCd=14&kikanKbn=1&kikanCd=1400001600"));
/// ```
pub fn publisher_page(provenance: &Provenance) -> Option<PublisherPage> {
    let id = provenance.source_record_id.as_str();
    let digits = |n: usize| id.len() == n && id.bytes().all(|b| b.is_ascii_digit());
    match provenance.source.as_str() {
        "mhlw-iryou-joho-net" if digits(13) => Some(PublisherPage {
            url: format!(
                "https://www.iryou.teikyouseido.mhlw.go.jp/znk-web/juminkanja/S2430/initialize?prefCd={}&kikanKbn={}&kikanCd={}",
                &id[..2],
                &id[2..3],
                &id[3..]
            ),
            is_record: true,
            publisher: NAVII,
        }),
        "mhlw-iryou-joho-net" | "kouseikyoku-hoken-iryokikan" => Some(PublisherPage {
            url: NAVII_SEARCH.to_owned(),
            is_record: false,
            publisher: NAVII,
        }),
        "mhlw-kaigo-kouhyou" => {
            let prefecture = id.get(..2).filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
            Some(PublisherPage {
                url: match prefecture {
                    Some(p) => format!("https://www.kaigokensaku.mhlw.go.jp/{p}/"),
                    None => "https://www.kaigokensaku.mhlw.go.jp/".to_owned(),
                },
                is_record: false,
                publisher: "介護サービス情報公表システム",
            })
        }
        "wamnet-shogai" => Some(PublisherPage {
            url: "https://www.wam.go.jp/sfkohyoout/COP000100E0000.do".to_owned(),
            is_record: false,
            publisher: "WAM NET 障害福祉サービス等情報検索",
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::fictional_facility;

    fn page(source: &str, id: &str) -> Option<PublisherPage> {
        let mut f = fictional_facility("1", "clinic", "架空医院", None);
        f.provenance.source = source.into();
        f.provenance.source_record_id = id.into();
        publisher_page(&f.provenance)
    }

    #[test]
    fn issue_18_record_pages_where_they_can_be_built_and_search_pages_said_so() {
        let navii = page("mhlw-iryou-joho-net", "1421400012345").unwrap();
        assert!(navii.is_record);
        assert!(navii
            .url
            .contains("prefCd=14&kikanKbn=2&kikanCd=1400012345"));
        let kaigo = page("mhlw-kaigo-kouhyou", "1460190014").unwrap();
        assert_eq!(
            (kaigo.is_record, kaigo.url.as_str()),
            (false, "https://www.kaigokensaku.mhlw.go.jp/14/")
        );
        assert!(kaigo.label_ja().contains("直接リンクは作れません"));
        assert!(!page("wamnet-shogai", "1412606194").unwrap().is_record);
        assert!(!page("mhlw-iryou-joho-net", "broken").unwrap().is_record);
        assert!(page("demo", "1").is_none());
    }
}
