/*
 * project.h - the IR: one project, read by every pass.
 *
 * The IR is a set of flat tables owned by the project.  Nodes refer to each
 * other by uint32 index (SPECC_NONE for "none") and to their children by
 * (first, count) ranges, which keeps the tree compact, cache-friendly and
 * trivially serialisable.  Every node has a span into a source.  Strings
 * are slices into the sources or into the project's arena, and live as long
 * as the project.  Passes read the IR and never change it.
 */
#ifndef SPECC_PROJECT_H
#define SPECC_PROJECT_H

#include "specc/arena.h"
#include "specc/diag.h"
#include "specc/map.h"
#include "specc/source.h"

typedef enum specc_role {
	SPECC_ROLE_SYSTEM,
	SPECC_ROLE_DEVELOPER,
	SPECC_ROLE_USER,
	SPECC_ROLE_ASSISTANT,
	SPECC_ROLE_TOOL,
	SPECC_ROLE_ELISION, /* a "[...]" line: turns left out on purpose */
} specc_role;

typedef enum specc_label {
	SPECC_LABEL_NONE,
	SPECC_LABEL_GOOD,
	SPECC_LABEL_BAD,
	SPECC_LABEL_OK,
} specc_label;

const char *specc_role_name(specc_role r);
const char *specc_label_name(specc_label l);

typedef struct specc_attr {
	specc_str name;
	specc_str value; /* entities decoded */
	specc_span span;
} specc_attr;

typedef struct specc_turn {
	uint8_t role;            /* specc_role */
	uint8_t label;           /* specc_label; only answers in <comparison> */
	uint32_t comparison;     /* 0-based <comparison> of its conversation, or SPECC_NONE */
	specc_str content;       /* text between the tags, entities decoded, dedented */
	specc_span span;         /* from the opening tag to the closing tag */
	specc_span content_span;
	uint32_t attr_first, attr_count;
	specc_span label_span;   /* the label comment */
	specc_str reason;        /* text after "BAD:" / "GOOD," etc. */
	specc_str violates;      /* x of BAD[#x] */
	specc_span violates_span;
	uint32_t violates_section; /* resolved section, or SPECC_NONE */
} specc_turn;

typedef struct specc_conversation {
	uint32_t turn_first, turn_count;
	uint32_t comparisons;
	specc_span span;         /* the fenced block's content */
} specc_conversation;

typedef struct specc_section {
	uint32_t spec;
	uint32_t parent;         /* enclosing section, or SPECC_NONE */
	uint8_t level;           /* 1 to 6 */
	bool authority_explicit; /* authority= on this heading */
	bool id_malformed;       /* its attribute list has an unreadable #id */
	specc_str id;            /* without '#'; ptr NULL when the heading has none */
	specc_span id_span;
	specc_str title;         /* raw Markdown of the heading text, without attributes */
	specc_span title_span;
	specc_span span;         /* the heading line */
	uint32_t end;            /* byte offset where the section's content ends */
	specc_str authority;     /* effective level name, ptr NULL when none */
	specc_span authority_span; /* where the effective level was written */
	uint32_t authority_rank; /* index in the project's order, or SPECC_NONE */
	uint32_t tag_first, tag_count;   /* into project.strs */
	specc_str overrides;     /* overrides=#id: the section it takes precedence over, or NULL */
	specc_span overrides_span;
} specc_section;

typedef struct specc_clause {
	uint32_t section;        /* or SPECC_NONE before the first heading */
	specc_span span;         /* the sentence, anchors included */
	specc_str text;          /* plain text: markup and anchors removed */
	uint32_t anchor_first, anchor_count;
} specc_clause;

typedef struct specc_anchor {
	uint32_t clause;
	specc_str id;            /* x of [^x] */
	specc_span span;         /* the whole [^x] */
	uint32_t eval_file;      /* resolved, or SPECC_NONE */
} specc_anchor;

typedef struct specc_xref {
	uint32_t section;        /* where the reference is written */
	specc_str target;        /* without '#' */
	specc_span span;         /* the #target in the link destination */
	specc_str text;          /* link text as written ("?" asks for the title) */
	uint32_t resolved;       /* section, or SPECC_NONE */
} specc_xref;

typedef struct specc_commentary {
	uint32_t section;
	specc_str kind;          /* "meta" in !!! meta "Commentary" */
	specc_str title;
	specc_span span;         /* header line and body */
} specc_commentary;

typedef struct specc_example {
	uint32_t section;
	specc_str title;         /* text after "**Example**:" */
	specc_span span;         /* the title paragraph (or the block, if untitled) */
	specc_conversation conv;
	specc_str expect;        /* an ```expect block after the conversation */
	specc_span expect_span;
} specc_example;

typedef struct specc_eval_file {
	uint32_t source;
	specc_str id;            /* the anchor its header names */
	specc_span id_span;
	specc_str stem;          /* file name without .md */
	specc_str section_title; /* "Examples for [^id] in <this>:" */
	specc_span title_span;
	specc_span header_span;
	bool header_ok;
	bool unreadable;         /* binary: kept only so its anchor resolves */
	uint32_t item_first, item_count; /* into project.items */
	uint32_t anchor;         /* the anchor pointing here, or SPECC_NONE */
} specc_eval_file;

typedef struct specc_spec {
	uint32_t source;
	specc_str name;          /* front matter "spec", else the file stem */
	specc_str version, owner;
	specc_str authority;     /* default for its top-level sections */
	specc_span authority_span;
	uint32_t import_first, import_count; /* into project.strs */
	uint32_t section_first, section_count;
	uint32_t example_first, example_count;
	bool has_front_matter;
} specc_spec;

/*
 * Prose: the plain text of every paragraph, list item, table cell and
 * heading of a spec, kept only when a pass asks for it (keep_prose), for
 * the linter.  Code spans are masked with 0x01 bytes of the same length,
 * so offsets stay put and no rule matches inside code.  Conversations,
 * code blocks and eval files are not prose.
 */
typedef enum specc_prose_kind {
	SPECC_PROSE_PARAGRAPH,
	SPECC_PROSE_LIST_ITEM,  /* a paragraph inside a list item */
	SPECC_PROSE_HEADING,    /* the title, without its attribute list */
	SPECC_PROSE_TABLE_CELL,
	SPECC_PROSE_QUOTE,      /* a paragraph inside a block quote */
} specc_prose_kind;

typedef struct specc_prose {
	uint32_t file;
	uint32_t section;        /* or SPECC_NONE before the first heading */
	uint8_t kind;            /* specc_prose_kind */
	bool admonition;         /* inside a "!!!" block, such as commentary */
	specc_str text;
	uint32_t seg_first, seg_count; /* into project.segs */
} specc_prose;

/* Maps prose text back to the source: bytes from text_off on come from
 * consecutive source bytes starting at src_off, up to the next segment. */
typedef struct specc_seg {
	uint32_t text_off;
	uint32_t src_off;
} specc_seg;

/* An HTML comment in a spec that starts with "specc-", such as
 * <!-- specc-disable-next-line vague -->: a directive for a pass. */
typedef struct specc_directive {
	specc_str text;          /* the comment, markers included */
	specc_span span;
} specc_directive;

/* A string with the place it was written, for lists such as tags. */
typedef struct specc_sstr {
	specc_str s;
	specc_span span;
} specc_sstr;

typedef struct specc_project {
	char *root;              /* the project folder as given, "" for "." */
	char *config_path;       /* NULL for single-file projects */
	specc_str name;
	uint32_t config_source;  /* SPECC_NONE without specc.yaml */
	uint32_t authority_first, authority_count; /* chain of command in strs, highest first */
	uint32_t spec_first, spec_count;   /* specc.yaml "specs" patterns, in strs */
	uint32_t eval_first, eval_count;   /* specc.yaml "evals" folders, in strs */
	/* specc.yaml "grants": the highest authority each spec may claim, as
	 * grant_count (spec name, level) pairs in strs from grant_first. */
	uint32_t grant_first, grant_count;
	bool has_grants;
	bool has_eval_folder;              /* some eval folder exists */

	specc_sources sources;
	specc_arena arena;
	specc_diags diags;       /* parse findings; check appends to it */

	SPECC_TABLE(specc_spec) specs;
	SPECC_TABLE(specc_section) sections;
	SPECC_TABLE(specc_clause) clauses;
	SPECC_TABLE(specc_anchor) anchors;
	SPECC_TABLE(specc_xref) xrefs;
	SPECC_TABLE(specc_commentary) commentaries;
	SPECC_TABLE(specc_example) examples;
	SPECC_TABLE(specc_eval_file) eval_files;
	SPECC_TABLE(specc_example) items;  /* eval items: same shape as examples */
	SPECC_TABLE(specc_turn) turns;
	SPECC_TABLE(specc_attr) attrs;
	SPECC_TABLE(specc_sstr) strs;
	SPECC_TABLE(specc_prose) prose;     /* only with keep_prose */
	SPECC_TABLE(specc_seg) segs;
	SPECC_TABLE(specc_directive) directives;
	bool keep_prose;         /* set before loading to fill prose */

	specc_map section_ids;   /* id -> first section with it */
	specc_map eval_ids;      /* stem -> first eval file */
	uint64_t bytes;          /* total input size, for throughput figures */
} specc_project;

void specc_project_init(specc_project *p);
void specc_project_release(specc_project *p);

struct specc_ydoc;
/*
 * Loads the project's specc.yaml again as a YAML document, for a pass that
 * reads keys of its own (lint, providers): quietly, since the loader has
 * reported its syntax errors already.  The pass's findings then go to
 * p->diags, and shape errors point the reader at doc_page.  Returns false
 * when there is no usable specc.yaml; otherwise release y.
 */
bool specc_project_config_doc(specc_project *p, struct specc_ydoc *y, const char *doc_page);

/*
 * Loads a project from path: a folder holding specc.yaml, or one spec .md
 * file whose sibling examples/ folder holds eval files.  Findings in the
 * input go to p->diags.  Returns SPECC_OK when the project could be read
 * (even with errors in it), SPECC_EIO when path cannot be read, with a
 * message in *err (owned by p).  Call specc_project_release() either way.
 */
int specc_project_load(specc_project *p, const char *path, const char **err);

/*
 * Parses one Markdown file already added as source `src` into p: a spec
 * when kind is SPECC_SOURCE_SPEC, an eval file otherwise.  Used by the
 * loader and by the fuzz targets.
 */
void specc_parse_markdown(specc_project *p, uint32_t src);

/* Adds an eval file entry for source `src`, named after its file.  The
 * loader adds one for eval files it cannot parse (binary), so anchors to
 * them do not also report a missing file. */
uint32_t specc_eval_file_add(specc_project *p, uint32_t src);

/* Links the IR: IDs, authorities, anchors to eval files, BAD[#x] targets.
 * Reports nothing; specc_check() reports what did not resolve. */
void specc_project_resolve(specc_project *p);

/* The chain of command: specc.yaml "authority", or the default order
 * root, system, developer, user, guideline.  Rank 0 is the highest. */
uint32_t specc_project_authority_count(const specc_project *p);
specc_str specc_project_authority(const specc_project *p, uint32_t rank);
/* The rank of a level name, or SPECC_NONE when it is not in the chain. */
uint32_t specc_project_authority_rank(const specc_project *p, specc_str name);

/* The source span of prose text[a, b) (b > a). */
specc_span specc_prose_span(const specc_project *p, const specc_prose *r, uint32_t a, uint32_t b);
/* Whether text[a, b) was written as is, in consecutive source bytes
 * (no markup, entity or line break inside), so an edit may replace it. */
bool specc_prose_verbatim(const specc_project *p, const specc_prose *r, uint32_t a, uint32_t b);

/* The structural check: appends findings to p->diags. */
void specc_check(specc_project *p);

/* Adds a source read from the file at path (shown as display), checking
 * size, NUL bytes and UTF-8.  Returns SPECC_OK and the index in *index, or
 * an error after reporting it to p->diags. */
int specc_project_add_file(specc_project *p, const char *path, const char *display,
			   enum specc_source_kind kind, uint32_t *index);

/* Adds a source from memory (copied).  For tests and fuzzing. */
uint32_t specc_project_add_buffer(specc_project *p, const char *name, const char *data,
				  size_t len, enum specc_source_kind kind);

/* Checks bytes for NUL and UTF-8, reporting findings.  Returns false when
 * the source is unusable (binary). */
bool specc_source_vet(specc_project *p, uint32_t src);

#endif
