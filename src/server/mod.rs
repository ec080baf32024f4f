//! Reference endpoint.
