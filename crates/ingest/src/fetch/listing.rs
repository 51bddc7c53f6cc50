//! A publisher's page listing its files (医療情報ネット（ナビイ）'s open-data page,
//! WAM NET's): the newest file of a kind, read from the links on the page
//! rather than a URL built by renkei, since the files are renamed with each
//! release (`01-1_hospital_facility_info_20251201.zip`, older releases stay
//! listed beside it).

/// Extensions a listed file may have after its name.
const EXTENSIONS: [&str; 3] = [".csv.zip", ".zip", ".csv"];

/// The absolute URL of the newest file on the page at `page_url` (its HTML
/// `html`) whose name is `pattern` with `{date}` standing for a date stamp of
/// 6 to 8 digits (`202503`, `20251201`), followed by `.zip`, `.csv.zip` or
/// `.csv`. Newest is the largest stamp; links are read from `href`
/// attributes, relative ones resolved against `page_url`.
///
/// ```
/// use renkei_ingest::fetch::newest_listed;
/// let page = r#"<a href="/content/11121000/01-1_hospital_facility_info_20250601.zip">R7.6</a>
///               <a href='/content/11121000/01-1_hospital_facility_info_20251201.zip'>R7.12</a>"#;
/// assert_eq!(
///     newest_listed("https://www.mhlw.go.jp/stf/list.html", page, "01-1_hospital_facility_info_{date}").unwrap(),
///     "https://www.mhlw.go.jp/content/11121000/01-1_hospital_facility_info_20251201.zip"
/// );
/// ```
pub fn newest_listed(page_url: &str, html: &str, pattern: &str) -> Result<String, String> {
    let (prefix, suffix) = pattern
        .split_once("{date}")
        .ok_or_else(|| format!("the pattern {pattern:?} has no {{date}}"))?;
    let newest = hrefs(html)
        .filter_map(|href| {
            let name = href
                .split(['?', '#'])
                .next()
                .unwrap_or(href)
                .rsplit('/')
                .next()?;
            let stamp = date_stamp(name, prefix, suffix)?;
            Some((stamp, href))
        })
        .max_by(|a, b| (a.0.len(), a.0).cmp(&(b.0.len(), b.0)));
    let Some((_, href)) = newest else {
        return Err(format!(
            "the page {page_url} lists no file named {pattern} (the publisher may have changed the page; give the file with --url KEY=URL)"
        ));
    };
    let base = reqwest::Url::parse(page_url).map_err(|e| format!("{page_url}: {e}"))?;
    base.join(&href.replace("&amp;", "&"))
        .map(String::from)
        .map_err(|e| format!("the link {href:?} on {page_url}: {e}"))
}

/// The date stamp of `name` when it is `prefix` + 6–8 digits + `suffix` + a
/// known extension.
fn date_stamp<'a>(name: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(prefix)?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if !(6..=8).contains(&digits) {
        return None;
    }
    let (stamp, tail) = rest.split_at(digits);
    let extension = tail.strip_prefix(suffix)?;
    EXTENSIONS
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e))
        .then_some(stamp)
}

/// The values of the `href` attributes in `html` (quoted with `"` or `'`).
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    let lower = html.to_ascii_lowercase();
    let starts: Vec<usize> = lower.match_indices("href").map(|(i, _)| i + 4).collect();
    starts.into_iter().filter_map(move |start| {
        let rest = html[start..].trim_start();
        let rest = rest.strip_prefix('=')?.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        value.find(quote).map(|end| &value[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An authored page in the layout of 医療情報ネット's open-data page:
    /// sections per release date, each with its files, older ones kept.
    const PAGE: &str = r#"<!DOCTYPE html><html lang="ja"><body>
<h2>医療情報ネットのオープンデータ</h2>
<h3>2025年12月1日時点</h3>
<ul>
<li><a href="/content/11121000/01-1_hospital_facility_info_20251201.zip">病院（施設票）［ZIP形式：740KB］</a></li>
<li><a href="/content/11121000/01-2_hospital_speciality_hours_20251201.zip">病院（診療科・診療時間票）</a></li>
<li><a HREF = '/content/11121000/02-1_clinic_facility_info_20251201.csv.zip'>診療所（施設票）</a></li>
</ul>
<h3>2025年6月1日時点</h3>
<ul>
<li><a href="/content/11121000/01-1_hospital_facility_info_20250601.zip">病院（施設票）</a></li>
<li><a href="https://www.mhlw.go.jp/content/11121000/02-1_clinic_facility_info_20250601.zip">診療所（施設票）</a></li>
<li><a href="../../content/11121000/01-1_hospital_facility_info_2025060.zip">（誤記の例）</a></li>
</ul>
</body></html>"#;

    const PAGE_URL: &str =
        "https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/kenkou_iryou/iryou/newpage_43373.html";

    #[test]
    fn issue_22_the_newest_navii_file_of_each_kind_is_read_from_the_listing() {
        assert_eq!(
            newest_listed(PAGE_URL, PAGE, "01-1_hospital_facility_info_{date}").unwrap(),
            "https://www.mhlw.go.jp/content/11121000/01-1_hospital_facility_info_20251201.zip"
        );
        assert_eq!(
            newest_listed(PAGE_URL, PAGE, "02-1_clinic_facility_info_{date}").unwrap(),
            "https://www.mhlw.go.jp/content/11121000/02-1_clinic_facility_info_20251201.csv.zip"
        );
        let missing = newest_listed(PAGE_URL, PAGE, "05_pharmacy_{date}").unwrap_err();
        assert!(missing.contains("--url"), "{missing}");
    }

    #[test]
    fn wam_net_service_files_are_told_apart_by_their_suffix() {
        let page = r#"<a href="/content/files/pcpub/top/sfkopendata/202503/sfkopendata_202503_24.zip">短期入所</a>
            <a href="/content/files/pcpub/top/sfkopendata/202503/sfkopendata_202503_2.zip">x</a>
            <a href="/content/files/pcpub/top/sfkopendata/202409/sfkopendata_202409_24.zip">短期入所</a>"#;
        assert_eq!(
            newest_listed(
                "https://www.wam.go.jp/content/wamnet/pcpub/top/sfkopendata/",
                page,
                "sfkopendata_{date}_24"
            )
            .unwrap(),
            "https://www.wam.go.jp/content/files/pcpub/top/sfkopendata/202503/sfkopendata_202503_24.zip"
        );
    }
}
