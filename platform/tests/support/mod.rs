//! What the persistence and API tests share: throwaway databases on both
//! backends, rows to put in them, and a running server with GraphQL clients
//! over HTTP and WebSocket.

#![allow(dead_code)] // each test binary uses its own part of this module

pub mod app;
pub mod db;
pub mod graphql_ws;
pub mod rows;
