//! Command-line arguments (clap derive). Every command's help ends with examples.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

macro_rules! examples {
    () => {
        "Examples:
  pathway walk                                   guided walk (routes adults and children by age)
  pathway decide --facts case.json --format text what to do for one record
  pathway check                                  verify every path and invariant
  pathway scenarios fixtures/scenarios --coverage"
    };
}

/// The exit codes, the same for every command (README.md has the same table).
macro_rules! exit_codes {
    () => {
        "Exit status, the same for every command:
  0    done
  1    a check or a scenario failed: `check` found an error in a set (a set that does not
       load, a broken invariant, a hazard not controlled); `scenarios` found a scenario that
       does not give what it expects; `walk` found no route for the answers (a defect of the
       set: report it)
  2    bad input: a bad argument; a file, folder or record that is missing, unreadable, too
       large or refused (each is named, with the reason); a pathway set that does not load
       (for every command but `check`, whose finding it is); no terminal for `walk` or `quiz`
  130  interrupted (Ctrl-C); `walk` saves first when it has a file to save to"
    };
}

/// Walk the UK modern slavery and human trafficking victim referral pathways.
///
/// Answer a few questions and get what to do now: call 999, refer to children's or adult
/// services, ask for consent, make an NRM referral or a Duty to Notify, and whom to phone,
/// with the reasons and sources. Uses the bundled Hertfordshire pathways unless told
/// otherwise.
#[derive(Debug, Parser)]
#[command(name = "pathway", version, after_help = concat!(examples!(), "\n\n", exit_codes!()))]
pub(crate) struct Args {
    /// A folder holding another pathway set (pathway files and a contacts.json), or one
    /// pathway file, used alone with the contacts directory beside it.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) pathways: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List the pathways of the set, with versions and review dates.
    #[command(
        after_help = "Exit status: 0 listed; 2 a pathway set that does not load.\n\nExamples:\n  pathway list\n  pathway list --format json\n  pathway --pathways my-set/ list"
    )]
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },

    /// Guided, interactive walk in the terminal: one question at a time.
    #[command(
        after_help = "Keys: arrows and Enter choose; `?` shows help; Esc offers to save and quit. Dates: DD/MM/YYYY (or YYYY-MM-DD).\n\nUrgent actions (999, somewhere safe tonight) are shown at once, the moment an answer makes them due.\n\nDates: a resumed session keeps working ages out on the date it was saved, and warns when that is not today. Ages decide the route (someone may have turned 18 since), so to use today's date resume with --today: the saved answers are replayed on that date and the walk says whether the route has changed.\n\nSaving: when the file cannot be written the walk says why and asks for another name; Esc goes back to the questions, so no answer is lost.\n\nSaved sessions hold personal data: a new file is readable by you alone (mode 0600), an existing one keeps its mode, and a file that is a symbolic link is refused. A session file may be at most 1 MiB.\n\nExit status: 0 finished, or quit (saved or not); 1 the pathway has no route for the answers (a defect of the pathway set: report it); 2 bad input, a session that does not resume, or no terminal; 130 interrupted by Ctrl-C (after saving, when there is a file to save to).\n\nExamples:\n  pathway walk\n  pathway walk child --save case.json\n  pathway walk --resume case.json\n  pathway walk --resume case.json --today 2026-12-21   # work ages out on a new date\n  pathway walk --summary notes.txt                     # case notes for the record"
    )]
    Walk {
        /// Pathway id (e.g. `adult`, `hertfordshire-child`), folder or file. Default: the entry pathway, which routes by age.
        pathway: Option<String>,
        /// The date ages are worked out on (YYYY-MM-DD). Default: today, or with --resume the
        /// date the session was saved on.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Save the session to this file after every answer (written atomically).
        #[arg(long, value_name = "FILE", conflicts_with = "resume")]
        save: Option<PathBuf>,
        /// Resume a saved session (and keep saving to the same file).
        #[arg(long, value_name = "FILE")]
        resume: Option<PathBuf>,
        /// At the end, write the case notes (plain text: questions and answers in words,
        /// what to do, contacts) to this file, with a case reference you type (not saved
        /// anywhere else).
        #[arg(long, value_name = "FILE")]
        summary: Option<PathBuf>,
        /// At the end, ask the district and write the anonymised monitoring record (one line
        /// of JSON: month, district, organisation, age group, exploitation type, consent and
        /// outcome codes; no name, date of birth or notes) to this file.
        #[arg(long, value_name = "FILE")]
        monitoring: Option<PathBuf>,
    },

    /// Evaluate facts records: one JSON object, or JSON Lines for batch audits.
    #[command(
        after_help = "Input: JSON Lines, one record per line, or JSON objects spread over several lines (one pretty-printed object, or several one after another). A record may be at most 64 KiB; blank space is JSON's (space, tab, line feed, carriage return). A fact given twice in a record is refused.\n\nExit status: 0 ok; 2 bad input or a pathway set that does not load (each bad record is reported with its number, its line when blank lines make that differ, and a hint; the others are still processed). With --stats the errors name no value and no unknown key from the input.\n\nExamples:\n  pathway decide --facts case.json --format text\n  echo '{\"immediate_danger\": true}' | pathway decide\n  pathway decide adult --facts audit.jsonl > results.jsonl\n  pathway decide --facts audit.jsonl --brief > codes.jsonl\n  pathway decide --facts audit.jsonl --stats"
    )]
    Decide {
        /// Pathway id, folder or file. Default: the entry pathway, which routes by age.
        pathway: Option<String>,
        /// Facts file (`-` for standard input).
        #[arg(long, value_name = "FILE", default_value = "-")]
        facts: String,
        /// The date ages are worked out on (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DecideFormat::Json)]
        format: DecideFormat,
        /// Stop at the first bad record.
        #[arg(long)]
        fail_fast: bool,
        /// Print only anonymised counts of statuses and action codes (no personal data).
        #[arg(long)]
        stats: bool,
        /// JSON with only `status`, `codes` and `next_fact` (and `record` for JSON Lines):
        /// for batch audits, about 40 times smaller than the full outcome.
        #[arg(long)]
        brief: bool,
        /// Load the set even if an invariant is broken, to replay a counterexample from
        /// `pathway check` while fixing a pathway. Never use it for a real case.
        #[arg(long)]
        unproven: bool,
        /// Load an older set as `pathway diff` compares it: with the checks added since it
        /// was written relaxed (each said on standard error), to replay a diff's example on
        /// it. Needs a set folder. Never use it for a real case.
        #[arg(long)]
        relaxed: bool,
        /// Print one anonymised monitoring record (JSON Lines) per facts record, for
        /// `pathway stats`; a record's `district` is used when it gives one.
        #[arg(long, conflicts_with_all = ["stats", "brief", "format"])]
        monitoring: bool,
    },

    /// The partnership's report from monitoring records: counts by quarter, district,
    /// organisation, age group and exploitation type, each by route, small numbers suppressed.
    #[command(
        after_help = "Input: files of monitoring records (`pathway-monitoring/v1`), one JSON object per line, as `walk --monitoring`, `decide --monitoring` and the web page write them.\n\nSuppression: no count from 1 to 4 is shown (\"<5\"), and more counts are hidden (\"[c]\") wherever a small count could otherwise be worked out from the other counts and the totals.\n\nRoutes: NRM referral (nrm_referral), Duty to Notify (duty_to_notify), passed to a First Responder (contact_first_responder), declined with no statutory route, consent not decided yet, no referral; the first that applies.\n\nExit status: 0 report written; 2 a file that cannot be read, a record that is not a monitoring record (each named by file and line, with the reason; no report is written), or a pathway set that does not load.\n\nExamples:\n  pathway stats partners/*.jsonl\n  pathway stats year.jsonl --format html > report.html\n  pathway stats year.jsonl --format csv > report.csv"
    )]
    Stats {
        /// Files of monitoring records (JSON Lines).
        #[arg(required = true, value_name = "FILES")]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatsFormat::Text)]
        format: StatsFormat,
    },

    /// Compile, validate and verify pathway sets: every path, every invariant.
    #[command(
        after_help = "A folder is checked as one set. A file is checked alone, with the contacts directory beside it (any file of its folder with \"format\": \"contacts/v1\"): give the folder to check a set whose pathways hand over to each other.\n\nEach broken invariant comes with its counterexample and the complete `pathway decide` command that replays it on the set under check.\n\nExit status: 0 verified; 1 an error in a set: it does not load (its diagnostics are printed), or it breaks an invariant or leaves a hazard not controlled (each with its counterexample); 2 a bad invocation, or a path that does not exist or cannot be read (nothing is checked then).\n\nExamples:\n  pathway check\n  pathway check pathways/my-partnership\n  pathway check fixtures/invalid/cycle.json    # one file, with its folder's contacts\n  pathway check --examples covering/   # facts files that together take every edge\n  pathway check my-set/ --counterexamples broken/   # each counterexample as a facts file"
    )]
    Check {
        /// Pathway set folders or files. Default: the bundled set (or --pathways).
        paths: Vec<PathBuf>,
        /// The date to verify on (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Write a small set of facts files that together take every edge into this folder.
        #[arg(long, value_name = "DIR")]
        examples: Option<PathBuf>,
        /// Write each counterexample as a facts file into this folder, for `pathway decide
        /// --facts FILE`.
        #[arg(long, value_name = "DIR")]
        counterexamples: Option<PathBuf>,
        /// Also print what verification cost: states visited, paths proven and time.
        #[arg(long)]
        stats: bool,
    },

    /// Run trainers' scenario files and report pass/fail (and coverage).
    #[command(
        after_help = "Exit status: 0 all passed; 1 a scenario failed; 2 the folder is missing or holds no scenario file (*.json), a scenario file is not valid, or the pathway set does not load.\n\nExamples:\n  pathway scenarios\n  pathway scenarios fixtures/scenarios --coverage"
    )]
    Scenarios {
        /// Folder of scenario files. Default: fixtures/scenarios.
        dir: Option<PathBuf>,
        /// Also report which steps and edges the scenarios cover.
        #[arg(long)]
        coverage: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
    },

    /// Trainee mode: read a scenario's story, answer the questions, get a debrief.
    #[command(
        after_help = "Exit status: 0 debriefed (whatever the differences), or quit; 2 bad input (the scenario, the answers), a pathway set that does not load, or no terminal; 130 interrupted by Ctrl-C.\n\nExamples:\n  pathway quiz fixtures/scenarios/ar-at-17.json\n  pathway quiz fixtures/scenarios/ar-at-17.json --answers my-answers.json"
    )]
    Quiz {
        /// The scenario file.
        scenario: PathBuf,
        /// Mark written answers (a facts JSON object) instead of asking interactively.
        #[arg(long, value_name = "FILE")]
        answers: Option<PathBuf>,
    },

    /// Draw a pathway as a flowchart, optionally highlighting the walk for some facts.
    #[command(
        after_help = "Exit status: 0 drawn; 2 bad input (an unknown pathway, bad facts) or a pathway set that does not load.\n\nExamples:\n  pathway graph adult --format svg > adult.svg\n  pathway graph --format mermaid --facts case.json\n  pathway graph child --format dot | dot -Tpng > child.png"
    )]
    Graph {
        /// Pathway id, folder or file. Default: the entry pathway.
        pathway: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormatArg::Svg)]
        format: GraphFormatArg,
        /// Highlight the path these facts take.
        #[arg(long, value_name = "FILE")]
        facts: Option<String>,
        /// The date ages are worked out on (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },

    /// A review pack for the people who approve a set: everything in words, printable.
    #[command(
        after_help = "The pack holds: a summary (versions, review dates, the verification result); anything overdue on --today (a pathway past its review-by date, a contact unverified or checked more than six months ago, a source not confirmed); the hazard log with each control proven or not; every safety property with the number of paths it was proven over; every question with its help and answers; every route, as the answers a worker gives and the actions they are told (from the verifier's classes of answers, in words); every action with its instructions, contact (where and when it was checked) and sources; the contacts directory; the sources; the flowcharts; and a sign-off table.\n\nHTML is one self-contained page: inline style and flowcharts, no script, nothing loaded from the network; print it from a browser (A4, page breaks between sections). Markdown leaves the flowcharts to the HTML pack.\n\nThe set is compiled and verified from its files, as `check` does: a set that does not load or breaks a safety property is refused (exit 2).\n\nExit status: 0 written; 2 bad input or a set that does not load.\n\nExamples:\n  pathway review --out review.html\n  pathway review pathways/my-set --format markdown > REVIEW-PACK.md\n  pathway review --today 2027-06-01 --out review.html   # what is overdue on that date"
    )]
    Review {
        /// The set folder. Default: the bundled set (or --pathways).
        set: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ReviewFormatArg::Html)]
        format: ReviewFormatArg,
        /// Write the pack to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The date review dates are compared with, and ages worked out on (YYYY-MM-DD).
        /// Default: today.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
    },

    /// Which cases a new version of a set moves to another route (a semantic diff).
    #[command(
        after_help = "Both sets are walked together over every class of answers either can tell apart. Each change of route (other actions, another order, other questions) comes with one example: the facts as each version reads them, to replay with `pathway decide`, and both outcomes. Answers only one version takes (\"unsure\" is new in vocabulary v2) are listed apart, then the changes of wording, contacts, sources, safety properties and hazards that move no route.\n\nVocabulary: each version is given only the facts it declares, in its own vocabulary; a v2 set reads v1 answers through its aliases (true as \"yes\").\n\nAn older set may fail checks added since it was written (contact-provenance: contacts without where and when they were checked; a broken safety property): it is compared anyway, and the output says which checks were relaxed. A set that is broken in any other way is refused.\n\nExit status: 0 no route changed; 1 a route changed (or an answer was added or dropped); 2 bad input: a folder that is missing or a set that does not load (named, with the reasons).\n\nExamples:\n  pathway diff fixtures/v1/hertfordshire-1.0.0 pathways/hertfordshire\n  pathway diff old-set/ new-set/ --format html --out changes.html\n  pathway diff pathways/hertfordshire my-copy/ --format json"
    )]
    Diff {
        /// The older set's folder.
        old: PathBuf,
        /// The newer set's folder.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormatArg::Text)]
        format: DiffFormatArg,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The date ages are worked out on (YYYY-MM-DD). Default: today.
        #[arg(long, value_name = "DATE")]
        today: Option<String>,
        /// Show every route change in full, with its example (by default the 10 that cover
        /// the most classes are, the next 190 get one line each and the rest a count; JSON
        /// always holds all).
        #[arg(long)]
        full: bool,
    },

    /// Print the JSON Schema of the pathway file format (for editors).
    #[command(after_help = "Examples:\n  pathway schema > pathway.schema.json")]
    Schema,

    /// Print shell completions.
    #[command(
        after_help = "Examples:\n  pathway completions bash > /etc/bash_completion.d/pathway\n  pathway completions zsh > ~/.zfunc/_pathway"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DecideFormat {
    Json,
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatsFormat {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReviewFormatArg {
    Html,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormatArg {
    Text,
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormatArg {
    Dot,
    Mermaid,
    Svg,
}
