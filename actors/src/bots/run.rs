//! Running one entry point with the function lookups of earlier calls.
//!
//! Rhai resolves each call in a script (`ctx.mid(sym)`, `floor(x)`, a
//! script's own helper) by hashing its name and argument types and searching
//! the script's functions and then the engine's, and caches the answer. The
//! cache of `Engine::eval_ast_with_scope` lives for one call, so every bot
//! call searched again for every function it used and rebuilt the cache:
//! about a tenth of a market maker's tick, measured. The answers depend only
//! on the engine and the script's functions, which never change once
//! compiled, so each thread keeps the caches of the last few scripts it ran,
//! keyed by the script's id (unique in the process, never reused).

use std::cell::RefCell;

use rhai::{AST, Caches, Dynamic, Engine, EvalAltResult, ImmutableString, Scope};

/// Scripts whose caches a thread keeps: a scenario's bot groups usually
/// run a handful of strategies; more only costs the searches again.
const SLOTS: usize = 8;

struct Slots {
    scripts: [u64; SLOTS],
    caches: [Caches; SLOTS],
    next: usize,
}

thread_local! {
    static SLOTS_OF_THREAD: RefCell<Slots> = const {
        RefCell::new(Slots {
            scripts: [0; SLOTS],
            caches: [const { Caches::new() }; SLOTS],
            next: 0,
        })
    };
}

impl Slots {
    /// The caches of `script`, taking over the oldest slot when it has none.
    fn of(&mut self, script: u64) -> &mut Caches {
        let slot = match self.scripts.iter().position(|&id| id == script) {
            Some(slot) => slot,
            None => {
                let slot = self.next;
                self.next = (slot + 1) % SLOTS;
                self.scripts[slot] = script;
                self.caches[slot] = Caches::new();
                slot
            }
        };
        let caches = &mut self.caches[slot];
        // A call that panicked may have left a nested function's level.
        caches.rewind_fn_resolution_caches(1);
        caches
    }
}

/// Evaluate `ast`'s statements in `scope` as `Engine::eval_ast_with_scope`
/// does (same operation count from zero, same limits and positions), with
/// the cached lookups of `script` (its id). `source` is `ast`'s source.
pub(crate) fn eval(
    engine: &Engine,
    script: u64,
    source: &ImmutableString,
    scope: &mut Scope,
    ast: &AST,
) -> Result<Dynamic, Box<EvalAltResult>> {
    SLOTS_OF_THREAD.with(|slots| {
        let mut slots = slots.borrow_mut();
        let caches = slots.of(script);
        let mut global = engine.new_global_runtime_state();
        global.source = Some(source.clone());
        global.lib.push(ast.shared_lib().clone());
        // The one entry point taking the caller's caches (deprecated for
        // Rhai's next major version; `internals` keeps it until then).
        #[allow(deprecated)]
        engine.eval_statements_raw(&mut global, caches, scope, ast.statements())
    })
}
