//! Shared helpers for the conformance suite.
