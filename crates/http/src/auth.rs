//! Who is calling: the staff [`Actor`] of a signed-in request.
//!
//! The session layer (sign-in, cookies, CSRF) checks the session and, for a
//! signed-in staff account whose state-changing request passed the CSRF
//! check, puts its [`Actor`] into the request's extensions. Handlers that
//! need staff take [`StaffActor`]; without an actor they answer 401, so an
//! anonymous write never reaches a command. Extensions are set by the server
//! only; no header or cookie content can put an actor there.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use renkei_app::Actor;

/// The signed-in staff member making this request; rejects with 401
/// `unauthenticated` when nobody is signed in.
#[derive(Debug, Clone)]
pub struct StaffActor(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for StaffActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Self)
            .ok_or(ApiError::Unauthenticated)
    }
}

/// The signed-in staff member, if any: for public endpoints that show staff
/// more (staff-only records and fields) and everyone else the public view.
#[derive(Debug, Clone)]
pub struct MaybeStaff(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeStaff {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<Actor>().cloned()))
    }
}
