/*
 * codes.h - the registry of built-in diagnostic codes.
 *
 * Codes are stable identifiers: tools and users filter on them, so a code is
 * never renamed or reused.  Each is listed with its default severity and a
 * one-sentence summary in docs/diagnostics.md.
 */
#ifndef SPECC_CODES_H
#define SPECC_CODES_H

#include "specc/diag.h"

#define SPECC_CODES(X)                                                                        \
	X(IO_ERROR, "io-error", ERROR, "A file could not be read.")                              \
	X(BINARY_FILE, "binary-file", ERROR, "A file holds NUL bytes, so it is not text.")       \
	X(INVALID_UTF8, "invalid-utf8", ERROR, "A file is not valid UTF-8.")                      \
	X(EMPTY_FILE, "empty-file", WARNING, "A spec or eval file is empty.")                     \
	X(FILE_TOO_LARGE, "file-too-large", ERROR, "A file is larger than specc reads (256 MiB).") \
	X(NO_SPECS, "no-specs", ERROR, "The project names no spec file that exists.")             \
	X(INVALID_CONFIG, "invalid-config", ERROR, "specc.yaml has a value of the wrong shape.")  \
	X(UNKNOWN_CONFIG_KEY, "unknown-config-key", WARNING, "specc.yaml has a key specc does not know.") \
	X(YAML_SYNTAX, "yaml-syntax", ERROR, "YAML could not be parsed.")                         \
	X(FRONT_MATTER_UNTERMINATED, "front-matter-unterminated", ERROR,                          \
	  "Front matter opened with --- is never closed.")                                        \
	X(INVALID_FRONT_MATTER, "invalid-front-matter", ERROR, "Front matter has a value of the wrong shape.") \
	X(UNKNOWN_FRONT_MATTER_KEY, "unknown-front-matter-key", WARNING,                          \
	  "Front matter has a key specc does not know.")                                          \
	X(DUPLICATE_SECTION_ID, "duplicate-section-id", ERROR, "Two sections share one ID.")      \
	X(MISSING_SECTION_ID, "missing-section-id", WARNING, "A heading has no {#id}.")           \
	X(MALFORMED_ATTRIBUTES, "malformed-attributes", ERROR, "A heading's {...} attribute list cannot be read.") \
	X(UNKNOWN_ATTRIBUTE, "unknown-attribute", WARNING, "A heading has an attribute specc does not know.") \
	X(UNKNOWN_AUTHORITY, "unknown-authority", ERROR, "An authority level is not in the project's order.") \
	X(BROKEN_LINK, "broken-link", ERROR, "A cross reference names a section that does not exist.") \
	X(MISSING_EVAL_FILE, "missing-eval-file", ERROR, "An eval anchor has no eval file.")      \
	X(MISSING_EVAL_FOLDER, "missing-eval-folder", ERROR, "The spec has eval anchors but no eval folder.") \
	X(UNUSED_EVAL_FILE, "unused-eval-file", WARNING, "No anchor in any spec points to an eval file.") \
	X(EVAL_TITLE_MISMATCH, "eval-title-mismatch", WARNING,                                    \
	  "An eval file's header names a section title that is not the anchor's section.")        \
	X(MALFORMED_EVAL_HEADER, "malformed-eval-header", ERROR,                                  \
	  "An eval file does not start with \"Examples for [^id] in Title:\".")                    \
	X(EVAL_ID_MISMATCH, "eval-id-mismatch", ERROR, "An eval file's header names another anchor than its file name.") \
	X(DUPLICATE_EVAL_FILE, "duplicate-eval-file", ERROR, "Two eval folders hold a file for the same anchor.") \
	X(DUPLICATE_EVAL_ANCHOR, "duplicate-eval-anchor", WARNING, "One eval anchor is used by several clauses.") \
	X(EMPTY_EVAL_FILE, "empty-eval-file", WARNING, "An eval file holds no example.")          \
	X(UNKNOWN_BAD_TARGET, "unknown-bad-target", ERROR, "BAD[#x] names a section that does not exist.") \
	X(UNCLOSED_TAG, "unclosed-tag", ERROR, "A conversation tag is never closed.")             \
	X(UNKNOWN_TAG, "unknown-tag", ERROR, "A conversation uses a tag specc does not know.")    \
	X(MISMATCHED_CLOSING_TAG, "mismatched-closing-tag", ERROR, "A closing tag does not match the open tag.") \
	X(STRAY_TEXT, "stray-text", ERROR, "A conversation has text outside any turn.")            \
	X(ANSWER_OUTSIDE_COMPARISON, "answer-outside-comparison", ERROR,                          \
	  "A labelled answer sits outside <comparison>.")                                        \
	X(UNKNOWN_LABEL, "unknown-label", ERROR, "An answer's label is not GOOD, BAD or OK.")     \
	X(UNLABELLED_ANSWER, "unlabelled-answer", ERROR, "An answer in <comparison> has no label.") \
	X(EMPTY_COMPARISON, "empty-comparison", ERROR, "A <comparison> holds no answer.")        \
	X(UNLABELLED_EXAMPLE, "unlabelled-example", WARNING, "An example has no labelled answer.") \
	X(EXAMPLE_WITHOUT_CONVERSATION, "example-without-conversation", WARNING,                  \
	  "An **Example** has no ~~~xml conversation after it.")                                   \
	X(UNTITLED_EXAMPLE, "untitled-example", WARNING, "A conversation block has no **Example**: title.") \
	X(UNTERMINATED_FENCE, "unterminated-fence", WARNING, "A code fence is never closed.")    \
	X(FINDINGS_TRUNCATED, "findings-truncated", NOTE,                                           \
	  "One conversation had so many problems that only the first are reported.")              \
	X(INVALID_RULE, "invalid-rule", ERROR, "A lint rule cannot be used as written.")          \
	X(UNKNOWN_RULE_KEY, "unknown-rule-key", WARNING, "A lint rule has a key specc does not know.") \
	X(UNKNOWN_RULE, "unknown-rule", WARNING,                                                  \
	  "specc.yaml or a specc- comment names a rule or category that does not exist.")          \
	X(INVALID_DIRECTIVE, "invalid-directive", WARNING, "A specc- comment cannot be read.")    \
	X(INVALID_EXPECT, "invalid-expect", ERROR, "An expect block has an assertion that cannot be used as written.") \
	X(UNKNOWN_EXPECT, "unknown-expect", ERROR, "An expect block uses an assertion specc does not know.") \
	X(DUPLICATE_SPEC_NAME, "duplicate-spec-name", ERROR, "Two specs of the project share one name.") \
	X(UNKNOWN_IMPORT, "unknown-import", ERROR, "A spec imports a spec the project does not have.") \
	X(IMPORT_CYCLE, "import-cycle", ERROR, "Specs import each other in a cycle.")             \
	X(MISSING_GRANT, "missing-grant", ERROR,                                                   \
	  "specc.yaml grants authority per spec, and a spec has no grant.")                        \
	X(AUTHORITY_ABOVE_GRANT, "authority-above-grant", ERROR,                                  \
	  "A section claims more authority than specc.yaml grants its spec.") \
	X(CLAUSE_CONFLICT, "clause-conflict", ERROR,                                                \
	  "Two clauses at one level of authority contradict each other.")                          \
	X(CONFLICT_OVERRIDDEN, "conflict-overridden", NOTE,                                         \
	  "A clause contradicts one of higher authority, which wins.")                              \
	X(CONFLICT_PAIRING_LIMIT, "conflict-pairing-limit", NOTE,                                   \
	  "Conflict detection reached its budget of compared pairs and stopped.") \
	X(INVALID_OVERRIDE, "invalid-override", ERROR,                                              \
	  "overrides= names no section, the section itself, a higher level, or no conflict.")   \
	X(CONFLICT_UNCLEAR, "conflict-unclear", NOTE,                                               \
	  "The grader model could not tell whether two clauses contradict each other (--deep).") \
	X(DEEP_CHECK_INCOMPLETE, "deep-check-incomplete", WARNING,                                  \
	  "check --deep could not judge some candidate pairs: grader errors or bad output.")

enum specc_code_id {
#define SPECC_X(name, id, sev, summary) SPECC_C_##name,
	SPECC_CODES(SPECC_X)
#undef SPECC_X
	SPECC_C__COUNT
};

/* The descriptors of the built-in codes, indexed by enum specc_code_id. */
extern const specc_code specc_codes[SPECC_C__COUNT];

#define SPECC_CODE(name) (&specc_codes[SPECC_C_##name])

/* Looks a built-in code up by its id; NULL when there is none. */
const specc_code *specc_code_find(const char *id);

#endif
