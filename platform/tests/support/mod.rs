//! What the persistence tests share: throwaway databases on both backends,
//! and rows to put in them.

#![allow(dead_code)] // each test binary uses its own part of this module

pub mod db;
pub mod rows;
