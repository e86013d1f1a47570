//! The n-gram language model: training ([`train`]), the in-memory form ([`estimated`]),
//! ARPA import/export ([`arpa`]), the model file ([`storage`]), opening it ([`model`]) and
//! queries ([`query`]).

pub mod arpa;
pub mod estimated;
pub mod model;
pub mod ngram;
pub mod query;
pub mod storage;
pub mod train;

pub use estimated::NgramModel;
pub use model::{LanguageModel, State};
