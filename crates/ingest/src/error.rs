//! Errors of the importers: each names the file, row, field and value at fault.

/// Result of an import step.
pub type IngestResult<T> = Result<T, IngestError>;

/// Why input could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file is not in the expected format at all (unparsable, wrong columns).
    #[error("{file}: {reason}")]
    Format {
        /// File (or embedded resource) name.
        file: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// One record has a bad field.
    #[error("{file}: record {record}: field {field} = {value:?}: {reason}")]
    Field {
        /// File (or embedded resource) name.
        file: String,
        /// Row number (1-based, header excluded) or record key.
        record: String,
        /// Column or field name as the source names it.
        field: String,
        /// The rejected value.
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// Reading a file failed.
    #[error("cannot read {file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Features of a boundary file whose geometry is unusable and could not be
    /// repaired; all of them are listed, and nothing from the file is imported.
    #[error("{file}: {} feature(s) have unusable geometry (fix or remove them and import again):\n{}", problems.len(), problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Geometry {
        /// The file.
        file: String,
        /// One entry per bad feature.
        problems: Vec<FeatureProblem>,
    },
    /// Writing to the store failed; nothing from the file was kept.
    #[error("{file}: could not be stored: {source}")]
    Store {
        /// The file.
        file: String,
        /// The store's error.
        #[source]
        source: renkei_store::StoreError,
    },
}

/// What is wrong with one feature of a boundary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureProblem {
    /// Index of the feature in the file's `features` array (0-based).
    pub index: usize,
    /// Its municipality code (`N03_007`), when it has one.
    pub code: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl std::fmt::Display for FeatureProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "feature {} (N03_007 {}): {}",
            self.index,
            self.code.as_deref().unwrap_or("null"),
            self.reason
        )
    }
}
