//! The one Rhai engine every bot script runs in, and the caps it enforces.
//!
//! The engine is built from `Engine::new_raw()` with only the packages a
//! strategy needs: arithmetic, logic, math, strings, arrays, maps,
//! iterators and function pointers. Left out on purpose:
//! - `eval` (the symbol is disabled: a script using it does not compile);
//! - modules: `import` and `export` are disabled symbols, no module resolver
//!   is installed and at most zero modules may load;
//! - the time package (`timestamp()` reads the system clock; bots read
//!   `ctx.time`, the market's clock);
//! - the language-core package (`sleep` would block the thread; `exit`,
//!   `take`, `tag`, `parse_json` are not needed);
//! - blobs (bytes), files, network, environment: Rhai has no such package
//!   unless one is registered, and none is.
//!
//! `print` and `debug` write to the calling bot's log (capped per call), never
//! to stdout.
//!
//! Every limit is checked by Rhai itself; the crate is built without
//! `unchecked` (which would remove them all). A call that exceeds one stops
//! with an error carrying the line and column where it happened.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicFnPackage, BasicIteratorPackage, BasicMapPackage,
    BasicMathPackage, BasicStringPackage, BitFieldPackage, LogicPackage, MoreStringPackage,
    Package,
};
use rhai::{Engine, Position};

use super::ctx;

/// The caps on one bot call. The defaults are what the platform runs with;
/// they are documented for instructors in the module docs of
/// [`crate::bots`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Operations (roughly: expressions and statements evaluated) per call
    /// of an entry point. Stops infinite loops.
    pub max_operations: u64,
    /// Nesting of function calls (the entry point is level 1). Stops
    /// runaway recursion.
    pub max_call_levels: usize,
    /// Nesting of expressions and blocks at the top level of a script
    /// (checked when it compiles).
    pub max_expr_depth: usize,
    /// Nesting of expressions and blocks inside functions (checked when it
    /// compiles).
    pub max_function_expr_depth: usize,
    /// Bytes in one string (summed over the strings inside an array or map).
    pub max_string_size: usize,
    /// Elements in one array (nested arrays included).
    pub max_array_size: usize,
    /// Properties in one object map (nested maps included); also the size
    /// of a bot's `state` map.
    pub max_map_size: usize,
    /// Variables alive at once in a call.
    pub max_variables: usize,
    /// Functions a script may define.
    pub max_functions: usize,
    /// Log lines (`ctx.log`, `print`, `debug`) kept per call; the rest are
    /// counted and dropped.
    pub max_log_lines: usize,
    /// Bytes kept of one log line.
    pub max_log_line: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_operations: 100_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 16 * 1024,
            max_array_size: 10_000,
            max_map_size: 10_000,
            max_variables: 256,
            max_functions: 256,
            max_log_lines: 100,
            max_log_line: 1_000,
        }
    }
}

rhai::def_package! {
    /// What a strategy may call besides `ctx`, as one module (Rhai looks a
    /// function up module by module, so one module is faster than ten).
    BotPackage(lib):
        ArithmeticPackage,
        LogicPackage,
        BitFieldPackage,
        BasicMathPackage,
        BasicStringPackage,
        MoreStringPackage,
        BasicArrayPackage,
        BasicMapPackage,
        BasicIteratorPackage,
        BasicFnPackage
    {}
}

/// A configured engine, shared by every script compiled in it (Send + Sync).
pub struct Sandbox {
    engine: Engine,
    limits: Limits,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    pub fn new(limits: Limits) -> Sandbox {
        let mut engine = Engine::new_raw();
        BotPackage::new().register_into_engine(&mut engine);

        // No way out: no eval, no modules.
        engine.disable_symbol("eval");
        engine.disable_symbol("import");
        engine.disable_symbol("export");
        engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
        engine.set_max_modules(0);

        engine.set_max_operations(limits.max_operations);
        engine.set_max_call_levels(limits.max_call_levels);
        engine.set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth);
        engine.set_max_string_size(limits.max_string_size);
        engine.set_max_array_size(limits.max_array_size);
        engine.set_max_map_size(limits.max_map_size);
        engine.set_max_variables(limits.max_variables);
        engine.set_max_functions(limits.max_functions);

        engine.on_print(log_line);
        engine.on_debug(|text, _source, position| {
            if position.is_none() {
                log_line(text);
            } else {
                log_line(&format!("{}: {text}", describe(position)));
            }
        });

        ctx::register(&mut engine);
        Sandbox { engine, limits }
    }

    /// The sandbox with the default limits, built once per process.
    pub fn shared() -> Arc<Sandbox> {
        static SHARED: OnceLock<Arc<Sandbox>> = OnceLock::new();
        SHARED
            .get_or_init(|| Arc::new(Sandbox::new(Limits::default())))
            .clone()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

/// "line L, column C" (or "line L" when the column is unknown).
pub(crate) fn describe(position: Position) -> String {
    match (position.line(), position.position()) {
        (Some(line), Some(column)) => format!("line {line}, column {column}"),
        (Some(line), None) => format!("line {line}"),
        _ => "unknown position".to_owned(),
    }
}

/// The log of the call running on this thread. Calls are synchronous and
/// never nested, so one buffer per thread is enough; `print` and `debug`
/// reach it through the engine's callbacks, which know nothing of bots.
struct LogSink {
    lines: Vec<String>,
    dropped: usize,
    max_lines: usize,
    max_line: usize,
}

thread_local! {
    static LOG: RefCell<LogSink> = const {
        RefCell::new(LogSink { lines: Vec::new(), dropped: 0, max_lines: 0, max_line: 0 })
    };
}

/// Start collecting the log of one call.
pub(crate) fn begin_log(limits: &Limits) {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        log.lines.clear();
        log.dropped = 0;
        log.max_lines = limits.max_log_lines;
        log.max_line = limits.max_log_line;
    });
}

/// What the call logged (empty in the common case: no allocation).
pub(crate) fn end_log() -> Vec<String> {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        let dropped = std::mem::take(&mut log.dropped);
        let mut lines = std::mem::take(&mut log.lines);
        if dropped > 0 {
            lines.push(format!("({dropped} more log lines dropped)"));
        }
        log.max_lines = 0;
        lines
    })
}

/// Add one line to the running call's log (dropped when no call runs).
pub(crate) fn log_line(text: &str) {
    LOG.with(|log| {
        let mut log = log.borrow_mut();
        if log.lines.len() >= log.max_lines {
            if log.max_lines > 0 {
                log.dropped += 1;
            }
            return;
        }
        let mut end = text.len().min(log.max_line);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut line = text[..end].to_owned();
        if end < text.len() {
            line.push('…');
        }
        log.lines.push(line);
    });
}
