//! Conformance suite entry point.
