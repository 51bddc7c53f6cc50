//! Values and rows that cross to either database, so that the store's SQL is
//! written once: a statement's parameters are a `&[&dyn Param]`, small result
//! rows are tuples of [`Tuple`] columns, and location ids travel as
//! [`StoredId`] / [`StoredIds`], whose stored form is the one difference
//! (hyphenated text and a JSON array on SQLite; `uuid` and `uuid[]` on
//! PostgreSQL).

use crate::{StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgRow, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{
    SqliteArgumentValue, SqliteArguments, SqliteRow, SqliteTypeInfo, SqliteValueRef,
};
use sqlx::{Arguments, Decode, Encode, FromRow, Postgres, Sqlite, Type};
use uuid::Uuid;

/// A statement parameter either backend binds.
pub(crate) trait Param: Sync {
    /// Adds the value to SQLite arguments.
    fn add_to_sqlite<'q>(&'q self, arguments: &mut SqliteArguments<'q>) -> Result<(), BoxDynError>;
    /// Adds the value to PostgreSQL arguments.
    fn add_to_postgres(&self, arguments: &mut PgArguments) -> Result<(), BoxDynError>;
}

/// An owned value whose type both drivers bind as it is.
pub(crate) trait Owned:
    Sync + for<'q> Encode<'q, Sqlite> + Type<Sqlite> + for<'q> Encode<'q, Postgres> + Type<Postgres>
{
}

impl Owned for String {}
impl Owned for Option<String> {}
impl Owned for i32 {}
impl Owned for i64 {}
impl Owned for f64 {}
impl Owned for bool {}
impl Owned for NaiveDate {}
impl Owned for Option<NaiveDate> {}
impl Owned for DateTime<Utc> {}
impl Owned for Option<DateTime<Utc>> {}
impl Owned for Option<i64> {}
impl Owned for StoredId {}
impl Owned for Option<StoredId> {}
impl Owned for StoredIds {}

impl<T: Owned> Param for T {
    fn add_to_sqlite<'q>(&'q self, arguments: &mut SqliteArguments<'q>) -> Result<(), BoxDynError> {
        arguments.add(self)
    }

    fn add_to_postgres(&self, arguments: &mut PgArguments) -> Result<(), BoxDynError> {
        arguments.add(self)
    }
}

/// Borrowed text, which both drivers bind only for the statement's lifetime.
impl Param for &str {
    fn add_to_sqlite<'q>(&'q self, arguments: &mut SqliteArguments<'q>) -> Result<(), BoxDynError> {
        let text: &'q str = self;
        arguments.add(text)
    }

    fn add_to_postgres(&self, arguments: &mut PgArguments) -> Result<(), BoxDynError> {
        arguments.add(*self)
    }
}

/// Borrowed text or NULL.
impl Param for Option<&str> {
    fn add_to_sqlite<'q>(&'q self, arguments: &mut SqliteArguments<'q>) -> Result<(), BoxDynError> {
        let text: Option<&'q str> = *self;
        arguments.add(text)
    }

    fn add_to_postgres(&self, arguments: &mut PgArguments) -> Result<(), BoxDynError> {
        arguments.add(*self)
    }
}

/// `args` as SQLite arguments.
pub(crate) fn sqlite_arguments<'q>(args: &'q [&'q dyn Param]) -> StoreResult<SqliteArguments<'q>> {
    let mut arguments = SqliteArguments::default();
    for arg in args {
        arg.add_to_sqlite(&mut arguments).map_err(encode_error)?;
    }
    Ok(arguments)
}

/// `args` as PostgreSQL arguments.
pub(crate) fn postgres_arguments(args: &[&dyn Param]) -> StoreResult<PgArguments> {
    let mut arguments = PgArguments::default();
    for arg in args {
        arg.add_to_postgres(&mut arguments).map_err(encode_error)?;
    }
    Ok(arguments)
}

fn encode_error(error: BoxDynError) -> StoreError {
    StoreError::Database(sqlx::Error::Encode(error))
}

/// A result row either backend decodes: a tuple of columns (sqlx decodes
/// tuples by position).
pub(crate) trait Tuple:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Tuple for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A location (facility) id as a column value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct StoredId(pub Uuid);

impl Type<Sqlite> for StoredId {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl<'q> Encode<'q, Sqlite> for StoredId {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(self.0.hyphenated().to_string(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for StoredId {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Self(Uuid::parse_str(text)?))
    }
}

impl Type<Postgres> for StoredId {
    fn type_info() -> PgTypeInfo {
        <Uuid as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for StoredId {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Uuid as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for StoredId {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <Uuid as Decode<'r, Postgres>>::decode(value).map(Self)
    }
}

/// Many location ids as one parameter, for the dialect's `IN` test
/// ([`crate::dialect::Dialect::IN_IDS`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct StoredIds(pub Vec<Uuid>);

impl StoredIds {
    /// The ids as a JSON array of hyphenated UUIDs (SQLite's form).
    pub(crate) fn json(ids: &[Uuid]) -> String {
        serde_json::Value::from(ids.iter().map(Uuid::to_string).collect::<Vec<_>>()).to_string()
    }
}

impl Type<Sqlite> for StoredIds {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl<'q> Encode<'q, Sqlite> for StoredIds {
    fn encode_by_ref(&self, buf: &mut Vec<SqliteArgumentValue<'q>>) -> Result<IsNull, BoxDynError> {
        <String as Encode<'q, Sqlite>>::encode(Self::json(&self.0), buf)
    }
}

impl Type<Postgres> for StoredIds {
    fn type_info() -> PgTypeInfo {
        <Vec<Uuid> as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for StoredIds {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <Vec<Uuid> as Encode<'_, Postgres>>::encode_by_ref(&self.0, buf)
    }
}
