//! A bot script compiled once to an AST and shared (`Arc`) by every bot that
//! runs it, and the errors a script can produce, with line and column.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rhai::{
    AST, ASTNode, EvalAltResult, ImmutableString, OptimizationLevel, ParseError, Position, Scope,
    Stmt,
};

use super::sandbox::Sandbox;

/// An error in a script, where it happened when Rhai knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl ScriptError {
    pub fn new(message: impl Into<String>) -> ScriptError {
        ScriptError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn at(message: String, position: Position) -> ScriptError {
        ScriptError {
            message,
            line: position.line(),
            column: position.position(),
        }
    }

    pub(crate) fn from_parse(error: &ParseError) -> ScriptError {
        ScriptError::at(error.err_type().to_string(), error.position())
    }

    /// The innermost error (the line that actually failed, not the call
    /// of the entry point), with the chain of functions it was in.
    pub(crate) fn from_eval(error: EvalAltResult) -> ScriptError {
        let mut functions = Vec::new();
        let mut inner = error;
        while let EvalAltResult::ErrorInFunctionCall(name, _, next, _) = inner {
            functions.push(name);
            inner = *next;
        }
        let position = inner.take_position();
        let mut message = match inner {
            // A thrown value (and a `ctx` function's complaint) reads as
            // itself, not as "Runtime error: ...".
            EvalAltResult::ErrorRuntime(value, _) => value.to_string(),
            EvalAltResult::ErrorTooManyOperations(_) => {
                "too many operations in one call (an endless loop?)".to_owned()
            }
            EvalAltResult::ErrorStackOverflow(_) => {
                "too many nested function calls (endless recursion?)".to_owned()
            }
            other => other.to_string(),
        };
        if !functions.is_empty() {
            message = format!("{message} (in {})", call_chain(&functions));
        }
        ScriptError::at(message, position)
    }
}

/// "f > g > h", or "f > g > closure > ... > h, 12 calls deep" when long.
fn call_chain(functions: &[String]) -> String {
    let name = |f: &String| {
        if f.starts_with("anon$") {
            "closure".to_owned()
        } else {
            f.clone()
        }
    };
    if functions.len() <= 4 {
        return functions.iter().map(name).collect::<Vec<_>>().join(" > ");
    }
    let first: Vec<String> = functions[..3].iter().map(name).collect();
    format!(
        "{} > ... > {}, {} calls deep",
        first.join(" > "),
        name(&functions[functions.len() - 1]),
        functions.len()
    )
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "line {line}, column {column}: "),
            (Some(line), None) => write!(f, "line {line}: "),
            _ => Ok(()),
        }?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScriptError {}

/// The functions a script may define for the host to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entry {
    /// `on_start(ctx)`: once, when the bot starts.
    Start,
    /// `on_tick(ctx)`: on the bot's timer (see `ctx.wake_in`).
    Tick,
    /// `on_trade(ctx, trade)`: after each trade in a symbol it follows.
    Trade,
    /// `on_fill(ctx, fill)`: after each fill of one of its own orders.
    Fill,
    /// `on_news(ctx, news)`: when news is published.
    News,
}

impl Entry {
    pub const ALL: [Entry; 5] = [
        Entry::Start,
        Entry::Tick,
        Entry::Trade,
        Entry::Fill,
        Entry::News,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Entry::Start => "on_start",
            Entry::Tick => "on_tick",
            Entry::Trade => "on_trade",
            Entry::Fill => "on_fill",
            Entry::News => "on_news",
        }
    }

    /// The parameters it is called with.
    pub fn arity(self) -> usize {
        match self {
            Entry::Start | Entry::Tick => 1,
            Entry::Trade | Entry::Fill | Entry::News => 2,
        }
    }

    fn from_name(name: &str) -> Option<Entry> {
        Entry::ALL.into_iter().find(|entry| entry.name() == name)
    }
}

/// A function of the script named like an entry point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    pub entry: Entry,
    /// The parameters the script's function takes.
    pub arity: usize,
}

impl EntryPoint {
    /// Takes the parameters the host passes, so it will be called.
    pub fn is_callable(&self) -> bool {
        self.arity == self.entry.arity()
    }
}

impl fmt::Display for EntryPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.entry.name(), self.arity)
    }
}

/// How one entry point is run: its body as the top-level statements of an
/// AST holding all of the script's functions, with its parameters as
/// variables of the bot's scope.
///
/// Why not `call_fn`: Rhai reports an error that is a cap (operations, call
/// depth, data size) at the call site of the function it happened in, and
/// the host's call of an entry point has no site, so "too many operations"
/// in `on_tick` would come without a line. Run as top-level statements, the
/// body keeps every position; a cap hit inside a helper function is reported
/// at the line in the entry point that called it. As with
/// `eval_ast(false)`, the script's own top-level statements never run.
pub(crate) struct EntryAst {
    pub(crate) ast: AST,
    /// The AST's source (the script's name), shared rather than copied per call.
    pub(crate) source: ImmutableString,
    pub(crate) params: Vec<rhai::Identifier>,
}

/// A compiled script. Compile once, share with `Arc`, run in any number of
/// bots (each has its own scope, state and random stream).
pub struct BotScript {
    /// Unique in the process and never reused: what the cached function
    /// lookups of its calls are kept under ([`super::run`]).
    id: u64,
    name: String,
    sandbox: Arc<Sandbox>,
    entry_points: Vec<EntryPoint>,
    entries: [Option<EntryAst>; 5],
}

impl fmt::Debug for BotScript {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BotScript")
            .field("name", &self.name)
            .field("entry_points", &self.entry_points)
            .finish_non_exhaustive()
    }
}

impl BotScript {
    /// Compile in the shared sandbox with the default limits.
    pub fn compile(name: &str, source: &str) -> Result<Arc<BotScript>, ScriptError> {
        BotScript::compile_in(&Sandbox::shared(), name, source)
    }

    /// Compile in a given sandbox (other limits, e.g. in tests).
    ///
    /// Top-level `const NAME = <literal>;` declarations are folded into
    /// every function; any other top-level statement never runs (put set-up
    /// in `on_start`).
    pub fn compile_in(
        sandbox: &Arc<Sandbox>,
        name: &str,
        source: &str,
    ) -> Result<Arc<BotScript>, ScriptError> {
        let engine = sandbox.engine();
        let ast = engine
            .compile(source)
            .map_err(|e| ScriptError::from_parse(&e))?;

        let mut constants = Scope::new();
        for (constant, _, value) in ast.iter_literal_variables(true, false) {
            constants.push_constant_dynamic(constant.to_owned(), value);
        }
        let ast = if constants.is_empty() {
            ast
        } else {
            engine.optimize_ast(&constants, ast, OptimizationLevel::Simple)
        };

        let mut entry_points: Vec<EntryPoint> = ast
            .iter_functions()
            .filter_map(|function| {
                Entry::from_name(function.name).map(|entry| EntryPoint {
                    entry,
                    arity: function.params.len(),
                })
            })
            .collect();
        entry_points.sort_by_key(|point| (point.entry, point.arity));

        let mut entries: [Option<EntryAst>; 5] = Default::default();
        for entry in Entry::ALL {
            let Some(function) = ast
                .iter_fn_def()
                .find(|f| f.name == entry.name() && f.params.len() == entry.arity())
            else {
                continue;
            };
            let params = function.params.iter().map(|p| p.as_str().into()).collect();
            // The function alone (Rhai's filtered clone keeps every function
            // when it starts empty), walked for its body's statements.
            let mut module = rhai::Module::new();
            module.set_script_fn(function.clone());
            let only = AST::new(Vec::<Stmt>::new(), module);
            let mut body: Vec<Stmt> = Vec::new();
            only.walk(&mut |path: &[ASTNode]| {
                if let [ASTNode::Stmt(statement)] = path {
                    body.push((*statement).clone());
                }
                true
            });
            let source = ImmutableString::from(name);
            let mut entry_ast = AST::new(body, ast.shared_lib().clone());
            entry_ast.set_source(source.clone());
            entries[entry as usize] = Some(EntryAst {
                ast: entry_ast,
                source,
                params,
            });
        }
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Ok(Arc::new(BotScript {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name: name.to_owned(),
            sandbox: sandbox.clone(),
            entry_points,
            entries,
        }))
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Every function named like an entry point, in the order of [`Entry`],
    /// whatever its arity (see [`BotScript::warnings`]).
    pub fn entry_points(&self) -> &[EntryPoint] {
        &self.entry_points
    }

    /// The script defines `entry` with the parameters the host passes.
    pub fn defines(&self, entry: Entry) -> bool {
        self.entries[entry as usize].is_some()
    }

    /// What `marketlab bot check` should point out besides errors: entry
    /// points with the wrong number of parameters, or none at all.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .entry_points
            .iter()
            .filter(|point| !point.is_callable())
            .map(|point| {
                format!(
                    "{} takes {} parameter(s) here but is called with {}; it will never run",
                    point.entry.name(),
                    point.arity,
                    point.entry.arity()
                )
            })
            .collect();
        if self.entries.iter().all(Option::is_none) {
            warnings.push(
                "the script defines none of on_start(ctx), on_tick(ctx), on_trade(ctx, trade), \
                 on_fill(ctx, fill), on_news(ctx, news): the bot will do nothing"
                    .to_owned(),
            );
        }
        warnings
    }

    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    pub(crate) fn entry(&self, entry: Entry) -> Option<&EntryAst> {
        self.entries[entry as usize].as_ref()
    }
}
