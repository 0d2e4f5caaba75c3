/*
 * lint.h - the LLinter: rules as data, matched in one pass over the prose.
 *
 * Rules are YAML (docs/lint.md).  The built-in ones are compiled into the
 * binary; a project adds its own from its rules folder.  Every rule that
 * names words or phrases is compiled into one Aho-Corasick automaton over
 * normalised tokens: case folded, and matched in any regular inflection
 * ("try to" matches "tried to"; the inflections are generated and kept
 * only when Snowball gives them the word's stem) unless the rule asks for
 * exact forms.  The text is read once for all of them.  Pattern rules are
 * PCRE2 regular expressions, JIT-compiled, run only on the sentences where
 * the automaton saw one of their "requires" phrases; occurrence,
 * conditional and spec rules are evaluated from the same token stream and
 * from the IR.
 *
 * Lifetime: a ruleset owns its rules, their code descriptors and strings;
 * it must outlive every diagnostic it produced (diagnostics point at the
 * descriptors).
 */
#ifndef SPECC_LINT_H
#define SPECC_LINT_H

#include "specc/arena.h"
#include "specc/map.h"
#include "specc/project.h"

typedef enum specc_rule_kind {
	SPECC_RULE_EXISTENCE,    /* words or phrases that should not be there */
	SPECC_RULE_SUBSTITUTION, /* a phrase with a preferred replacement: a fix */
	SPECC_RULE_OCCURRENCE,   /* too many or too few of something per sentence */
	SPECC_RULE_CONDITIONAL,  /* a defined term used before its definition */
	SPECC_RULE_PATTERN,      /* a PCRE2 regular expression */
	SPECC_RULE_SPEC,         /* a built-in check of the spec's structure */
} specc_rule_kind;

/* Spec-level checks a rule of kind spec runs. */
typedef enum specc_spec_check {
	SPECC_CHECK_UNTESTED_SECTION,
	SPECC_CHECK_ONE_SIDED_EXAMPLE,
	SPECC_CHECK_TERMINOLOGY_DRIFT,
} specc_spec_check;

/* Scopes, as bits: where in a spec a rule looks. */
#define SPECC_SCOPE_PARAGRAPH (1u << SPECC_PROSE_PARAGRAPH)
#define SPECC_SCOPE_LIST_ITEM (1u << SPECC_PROSE_LIST_ITEM)
#define SPECC_SCOPE_HEADING (1u << SPECC_PROSE_HEADING)
#define SPECC_SCOPE_TABLE_CELL (1u << SPECC_PROSE_TABLE_CELL)
#define SPECC_SCOPE_QUOTE (1u << SPECC_PROSE_QUOTE)
#define SPECC_SCOPE_COMMENTARY (1u << 5) /* "!!!" blocks such as commentary */

typedef struct specc_rule {
	specc_code code;         /* id, default severity, summary */
	const char *category;
	const char *message;     /* template: {match}, {replacement}, {count}, {limit} */
	const char *rationale;   /* NULL when the rule has none */
	const char *link;        /* where the category comes from, or NULL */
	const char *origin;      /* "built-in" or the rule file's path */
	specc_span span;         /* the rule in its file (user rules only) */
	uint8_t kind;            /* specc_rule_kind */
	uint8_t check;           /* specc_spec_check, for kind spec */
	uint32_t scopes;         /* SPECC_SCOPE_* bits */
	bool inflect;            /* phrases match any inflection (stemmed) */
	bool case_sensitive;     /* the words must be written as in the rule */
	bool normative;          /* only in sentences that state a requirement */
	bool sentence_start;     /* a match must open its sentence */
	bool paragraph_start;    /* a match must open its paragraph (or list item) */
	bool count_words;        /* occurrence: count words, not the rule's terms */
	bool needs_pair;         /* occurrence: count groups of terms, not terms */
	bool off_by_default;     /* enabled: false; specc.yaml can turn it on */
	bool all_sections;       /* sections: all (default: only normative ones) */
	bool in_parentheses;     /* also match inside ( ... ) asides */
	uint32_t min, max;       /* occurrence limits; max 0 means none */
	void *re;                /* pcre2_code, for kind pattern */
	bool has_requires;       /* pattern: run only where a "requires" phrase is */
	void *match_data;
	uint32_t ex_first, ex_fire, ex_pass; /* examples in strs: fire ones, then pass ones */
} specc_rule;

/* The role of a phrase for its rule. */
typedef enum specc_phrase_role {
	SPECC_PHRASE_MATCH,      /* report it */
	SPECC_PHRASE_EXCEPT,     /* a match inside one of these is not reported */
	SPECC_PHRASE_UNLESS,     /* no match is reported in a sentence holding one */
	SPECC_PHRASE_COUNT,      /* counted by an occurrence rule */
	SPECC_PHRASE_REQUIRE,    /* a pattern rule runs only on sentences holding one */
} specc_phrase_role;

typedef struct specc_phrase {
	uint32_t rule;
	uint8_t role;            /* specc_phrase_role */
	uint8_t group;           /* occurrence "mixed": which set it belongs to */
	bool exact;              /* matched on exact word forms */
	uint32_t ntok;           /* tokens in the phrase */
	const char *text;        /* as written in the rule */
	const char *replacement; /* substitution: the preferred words */
} specc_phrase;

/* One automaton: a trie of token symbols with failure links. */
typedef struct specc_ac {
	uint32_t *edge_first;    /* per state: first edge in edges */
	uint32_t *edge_count;
	uint32_t *fail;
	uint32_t *out_first;     /* per state: its phrases in outs (own, then via fail) */
	uint32_t *out_count;
	uint64_t *edges;         /* (symbol << 32) | target, sorted per state */
	uint32_t *outs;
	uint32_t *root;          /* symbol -> state from the root (dense) */
	uint32_t states, nsyms;
} specc_ac;

typedef struct specc_ruleset {
	specc_arena arena;
	SPECC_TABLE(specc_rule) rules;
	SPECC_TABLE(specc_phrase) phrases;
	SPECC_TABLE(const char *) strs;   /* rule examples */
	specc_map ids;                    /* rule id -> index */
	/* Symbols: a stemmed and an exact-form alphabet, 1-based (0 = none). */
	specc_map stems, forms;
	uint32_t nstems, nforms;
	uint32_t num_stem, num_form;      /* the symbol "any number", or 0 */
	SPECC_TABLE(uint32_t) lemma_of;   /* inflected symbols joined into one (union-find) */
	/* Phrases as symbol sequences, for building the automata. */
	SPECC_TABLE(uint32_t) seq;
	SPECC_TABLE(uint32_t) seq_first;  /* per phrase */
	specc_ac ac_stem, ac_form;
	uint32_t normative_first, normative_count; /* phrases that make a sentence normative */
	void *stemmer;
	bool compiled;
	/* The built-in rule files, as sources, and findings in them (none,
	 * unless the binary was built with a broken rule). */
	specc_sources builtin_srcs;
	specc_diags builtin_diags;
} specc_ruleset;

/* Prepares an empty ruleset.  Returns SPECC_EINVAL when the English
 * stemmer cannot be created. */
int specc_ruleset_init(specc_ruleset *rs);
void specc_ruleset_release(specc_ruleset *rs);

/*
 * Adds the rules of one YAML file, source `file` of srcs.  Findings in
 * the rules go to diags at their line; a rule with an error is left out
 * and the others are kept.  Returns SPECC_OK, or SPECC_ESYNTAX when
 * something was left out.
 */
int specc_rules_load(specc_ruleset *rs, specc_sources *srcs, specc_diags *diags, uint32_t file);

/* Adds the built-in rules.  They are checked by the test suite; an error
 * in them goes to rs->builtin_diags and returns SPECC_ESYNTAX. */
int specc_rules_load_builtin(specc_ruleset *rs);

/* Adds every *.yaml and *.yml file of folder dir (sorted by name) as
 * rules, reading them as sources of p.  A missing folder is not an error
 * when optional is true. */
int specc_rules_load_dir(specc_ruleset *rs, specc_project *p, const char *dir, bool optional);

/* Builds the automata.  Call once, after the last load. */
int specc_ruleset_compile(specc_ruleset *rs);

/* The rule with this id, or NULL. */
const specc_rule *specc_ruleset_find(const specc_ruleset *rs, const char *id, size_t len);

/* The built-in rule files, as (name, text) pairs ending with {NULL, NULL}. */
typedef struct specc_builtin_file {
	const char *name;
	const char *text;
} specc_builtin_file;
extern const specc_builtin_file specc_builtin_rules[];

/* ---- running ------------------------------------------------------------ */

/* Per-rule settings after specc.yaml: severity, or SPECC_LINT_OFF. */
#define SPECC_LINT_OFF (-1)

typedef struct specc_lint_path {
	const char *glob;        /* matched against the spec's path in the project */
	int8_t *severity;        /* per rule, SPECC_LINT_OFF, or -2 to keep */
} specc_lint_path;

typedef struct specc_lint_config {
	int8_t *severity;        /* per rule: -2 keep the default, else the setting */
	SPECC_TABLE(specc_lint_path) paths;
	const char *rules_dir;   /* NULL: "rules" in the project folder, if present */
	bool rules_dir_explicit;
} specc_lint_config;

/*
 * Reads the "lint" key of the project's specc.yaml (if any) against the
 * loaded rules, reporting unknown rules and wrong shapes to p->diags.
 * The config is owned by rs's arena.
 */
int specc_lint_config_read(specc_lint_config *cfg, specc_ruleset *rs, specc_project *p);

/* Only reads where the rules folder is (before the rules are loaded).
 * Call this first: it also clears cfg. */
void specc_lint_config_rules_dir(specc_lint_config *cfg, specc_ruleset *rs, specc_project *p);
void specc_lint_config_release(specc_lint_config *cfg);

/* Statistics of one run, for benchmarks and --stats. */
typedef struct specc_lint_stats {
	uint64_t prose_bytes, tokens, sentences, findings, suppressed;
} specc_lint_stats;

/*
 * Lints every spec of p (loaded with p->keep_prose set, and resolved),
 * appending findings to p->diags.  cfg may be NULL for the defaults.
 * stats may be NULL.
 */
int specc_lint(specc_project *p, const specc_ruleset *rs, const specc_lint_config *cfg,
	       specc_lint_stats *stats);

/*
 * Applies the safe fixes among p->diags (substitutions whose text was
 * written verbatim) to the spec files, rewriting each changed file in
 * place through a temporary file and rename.  Bytes outside the edits are
 * kept as they were.  *fixed receives the number of edits applied.
 */
int specc_lint_apply_fixes(const specc_project *p, const specc_ruleset *rs, uint32_t *fixed,
			   const char **err);

/*
 * Runs every rule's examples: each "fire" example must produce a finding
 * of its rule and each "pass" example none.  A failure is written to out
 * (when not NULL) as "origin: rule: example".  Examples that are not a
 * whole spec (they do not start with "#") are linted as one paragraph of
 * a section.  *run and *failed count examples.
 */
int specc_rules_selftest(const specc_ruleset *rs, FILE *out, uint32_t *run, uint32_t *failed);

#endif
