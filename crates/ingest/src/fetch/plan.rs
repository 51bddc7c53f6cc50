//! Fetch plans: which files `renkei fetch` obtains, in import order
//! (`data/fetch/*.toml`). A prefecture with a plan of its own
//! (`data/fetch/NN_name.toml`) uses it; every other prefecture, and `--all`,
//! uses the national plan (`data/fetch/national.toml`), whose files are the
//! publishers' national ones (cut to the prefecture when one is fetched) or
//! per-prefecture ones named with `{pref}`.

use crate::{IngestError, IngestResult};
use renkei_core::PrefectureCode;
use serde::Deserialize;
use std::path::Path;

/// Plans of single prefectures compiled in from `data/fetch/NN_*.toml`, by code.
const PREFECTURE_PLANS: &[(&str, &str)] = &[(
    "14",
    include_str!("../../../../data/fetch/14_kanagawa.toml"),
)];

/// The national plan, `data/fetch/national.toml`.
const NATIONAL_PLAN: &str = include_str!("../../../../data/fetch/national.toml");

/// What `{pref}` in a planned `url` or `local` stands for: the two-digit code.
pub const PREFECTURE_PLACEHOLDER: &str = "{pref}";

/// The files to fetch, in import order, for one prefecture or all of Japan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchPlan {
    /// Two-digit code of the prefecture fetched: records elsewhere in the
    /// files are left out. `None` for all of Japan (`renkei fetch --all`).
    #[serde(default)]
    pub prefecture: Option<String>,
    /// Files in import order.
    pub files: Vec<PlannedFile>,
}

/// One file of a plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedFile {
    /// Short name, used by `--url KEY=URL`.
    pub key: String,
    /// Which importer reads it, by the name of its `renkei import` kind: `n03`,
    /// `population`, `town-points`, an official list (`mhlw-facilities`,
    /// `kaigo`, `wamnet`, …) or `mapping:<name>` for a built-in mapping.
    pub importer: String,
    /// What it is, for messages.
    pub description: String,
    /// Where the publisher serves it; `None` when [`PlannedFile::listing`] says.
    #[serde(default)]
    pub url: Option<String>,
    /// The publisher's page listing its files, read for the newest file
    /// named [`PlannedFile::pattern`] (used when there is no `url`).
    #[serde(default)]
    pub listing: Option<String>,
    /// The file name to look for on the listing page, `{date}` standing for
    /// the date stamp, e.g. `01-1_hospital_facility_info_{date}`.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Its paths inside a `--source-dir` folder, the first that exists used.
    #[serde(default, deserialize_with = "one_or_many")]
    pub local: Vec<String>,
}

/// A TOML string or array of strings, as a list.
fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

impl PlannedFile {
    /// Whether the file is published per prefecture (`{pref}` in its URL).
    pub fn per_prefecture(&self) -> bool {
        self.url
            .as_deref()
            .is_some_and(|url| url.contains(PREFECTURE_PLACEHOLDER))
    }

    /// The file as fetched for `prefecture`: `{pref}` filled in.
    fn for_prefecture(&self, prefecture: &str) -> Self {
        let fill = |text: &String| text.replace(PREFECTURE_PLACEHOLDER, prefecture);
        Self {
            url: self.url.as_ref().map(fill),
            local: self.local.iter().map(fill).collect(),
            ..self.clone()
        }
    }
}

impl FetchPlan {
    /// The compiled-in plan for `prefecture` (two digits, 01–47): its own plan
    /// when renkei has one, else the national plan cut to it.
    pub fn builtin(prefecture: &str) -> IngestResult<Self> {
        let code = PrefectureCode::new(prefecture).map_err(|e| IngestError::Format {
            file: "data/fetch".into(),
            reason: format!("{e}; give a prefecture code from 01 (北海道) to 47 (沖縄県)"),
        })?;
        if let Some((_, text)) = PREFECTURE_PLANS.iter().find(|(p, _)| *p == code.as_str()) {
            return Self::parse(&format!("data/fetch/{prefecture}"), text);
        }
        Ok(Self::national_plan()?.for_prefecture(code.as_str()))
    }

    /// The national plan for all of Japan (`renkei fetch --all`): a file
    /// published per prefecture is fetched once per prefecture, unless
    /// `source_dir` holds a national copy of it.
    pub fn national(source_dir: Option<&Path>) -> IngestResult<Self> {
        let plan = Self::national_plan()?;
        let has_national_copy = |file: &PlannedFile| {
            source_dir.is_some_and(|dir| {
                file.local
                    .iter()
                    .any(|l| !l.contains(PREFECTURE_PLACEHOLDER) && dir.join(l).is_file())
            })
        };
        let mut files = Vec::new();
        for file in plan.files {
            if !file.per_prefecture() || has_national_copy(&file) {
                let local = file
                    .local
                    .iter()
                    .filter(|l| !l.contains(PREFECTURE_PLACEHOLDER))
                    .cloned()
                    .collect();
                files.push(PlannedFile { local, ..file });
                continue;
            }
            // Each prefecture's own file; a national copy would be read 47 times.
            let per_prefecture = PlannedFile {
                local: file
                    .local
                    .iter()
                    .filter(|l| l.contains(PREFECTURE_PLACEHOLDER))
                    .cloned()
                    .collect(),
                ..file.clone()
            };
            for number in 1..=47 {
                let code = format!("{number:02}");
                let mut one = per_prefecture.for_prefecture(&code);
                one.key = format!("{}-{code}", file.key);
                files.push(one);
            }
        }
        Ok(Self {
            prefecture: None,
            files,
        })
    }

    fn national_plan() -> IngestResult<Self> {
        Self::parse("data/fetch/national.toml", NATIONAL_PLAN)
    }

    /// This plan cut to `prefecture`: `{pref}` filled in everywhere.
    fn for_prefecture(&self, prefecture: &str) -> Self {
        Self {
            prefecture: Some(prefecture.to_owned()),
            files: self
                .files
                .iter()
                .map(|file| file.for_prefecture(prefecture))
                .collect(),
        }
    }

    /// Parses a plan file. Which importer reads each file is checked by
    /// whoever imports the files (`renkei_app::import::ImportKind::from_name`).
    pub fn parse(file: &str, text: &str) -> IngestResult<Self> {
        let plan: Self = toml::from_str(text).map_err(|e| IngestError::Format {
            file: file.into(),
            reason: e.to_string(),
        })?;
        if let Some(planned) = plan
            .files
            .iter()
            .find(|f| f.url.is_none() && (f.listing.is_none() || f.pattern.is_none()))
        {
            return Err(IngestError::Format {
                file: file.into(),
                reason: format!(
                    "file {} has neither a url nor a listing with a pattern",
                    planned.key
                ),
            });
        }
        Ok(plan)
    }

    /// The prefecture fetched, when one is.
    pub fn prefecture_code(&self) -> Option<PrefectureCode> {
        self.prefecture
            .as_deref()
            .and_then(|code| PrefectureCode::new(code).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanagawa_has_its_own_plan_and_other_prefectures_the_national_one() {
        let kanagawa = FetchPlan::builtin("14").unwrap();
        assert_eq!(kanagawa.files[0].importer, "n03", "boundaries come first");
        assert!(kanagawa.files.iter().all(|f| !f.local.is_empty()));
        let tokyo = FetchPlan::builtin("13").unwrap();
        assert_eq!(tokyo.prefecture.as_deref(), Some("13"));
        assert_eq!(tokyo.files[0].importer, "n03", "boundaries come first");
        assert_eq!(
            tokyo.files[0].url.as_deref(),
            Some("https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-2024/N03-20240101_13_GML.zip")
        );
        assert_eq!(
            tokyo.files[0].local,
            [
                "boundaries/N03-21_13_210101.json",
                "national/N03-21_210101.json"
            ]
        );
        let hospitals = tokyo.files.iter().find(|f| f.key == "hospitals").unwrap();
        assert!(hospitals.url.is_none() && hospitals.listing.is_some());
        let wrong = FetchPlan::builtin("48").unwrap_err().to_string();
        assert!(wrong.contains("01") && wrong.contains("47"), "{wrong}");
    }

    /// WAM NET numbers its files by service code (sfkopendata_YYYYMM_NN.zip),
    /// not by prefecture: Kanagawa's plan once asked for `_14.zip`.
    #[test]
    fn kanagawa_wam_net_files_are_the_service_files_the_national_plan_lists() {
        let kanagawa = FetchPlan::builtin("14").unwrap();
        let national = FetchPlan::national_plan().unwrap();
        let wam: Vec<&PlannedFile> = kanagawa
            .files
            .iter()
            .filter(|f| f.importer == "wamnet")
            .collect();
        assert_eq!(wam.len(), 7, "six children's services and 短期入所");
        for file in wam {
            let listed = national
                .files
                .iter()
                .find(|f| f.key == file.key)
                .unwrap_or_else(|| panic!("{} is not in the national plan", file.key));
            let service = listed
                .pattern
                .as_deref()
                .unwrap()
                .rsplit('_')
                .next()
                .unwrap();
            let url = file.url.as_deref().unwrap();
            assert!(url.ends_with(&format!("_{service}.zip")), "{url}");
        }
    }

    #[test]
    fn all_of_japan_fetches_per_prefecture_files_47_times_without_a_national_copy() {
        let plan = FetchPlan::national(None).unwrap();
        assert_eq!(plan.prefecture, None);
        let n03: Vec<&PlannedFile> = plan.files.iter().filter(|f| f.importer == "n03").collect();
        assert_eq!(n03.len(), 47);
        assert_eq!(n03[12].key, "n03-13");
        assert_eq!(n03[12].local, ["boundaries/N03-21_13_210101.json"]);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("national")).unwrap();
        std::fs::write(dir.path().join("national/N03-21_210101.json"), "{}").unwrap();
        let with_copy = FetchPlan::national(Some(dir.path())).unwrap();
        let n03: Vec<&PlannedFile> = with_copy
            .files
            .iter()
            .filter(|f| f.importer == "n03")
            .collect();
        assert_eq!(n03.len(), 1);
        assert_eq!(n03[0].local, ["national/N03-21_210101.json"]);
    }

    #[test]
    fn a_file_needs_a_url_or_a_listing() {
        let text = "[[files]]\nkey = \"x\"\nimporter = \"kaigo\"\ndescription = \"x\"\n";
        assert!(FetchPlan::parse("x.toml", text)
            .unwrap_err()
            .to_string()
            .contains("neither a url"));
    }
}
