/*
 * deep.h - the model tier of conflict detection: `specc check --deep`.
 *
 * The lexical tier (src/check/conflict.c) decides the pairs of clauses
 * whose words it can read; a grader model judges the others.  Candidate
 * pairs are clauses that share content words (an inverted index over
 * their stems, never all pairs), ranked by the weight of what they share, with the
 * pairs the lexical tier reported left out; the top N go to the grader,
 * which answers with a strict verdict: contradiction, compatible or
 * unclear.  Verdicts are kept in the project store under a key that
 * covers everything the request holds, so an unchanged project asks
 * nothing twice, and a contradiction is resolved by authority exactly as
 * the lexical tier resolves its own.
 */
#ifndef SPECC_DEEP_H
#define SPECC_DEEP_H

#include "specc/buf.h"
#include "specc/eval.h"
#include "specc/project.h"

/* ------------------------------------------------------------------ */
/* Candidate pairs (src/check/deep.c) */

/* Pair visits the candidate search makes at most, an equal share for each
 * clause (64 at least); past its share a clause is paired with the
 * clauses that follow it most closely, and a conflict-pairing-limit note
 * says so. */
#define SPECC_DEEP_PAIR_BUDGET 1000000u

typedef struct specc_deep_pair {
	uint32_t a, b;            /* clauses, a < b (project order) */
	double score;             /* the weight (inverse document frequency) of the stems they share */
	uint32_t shared;          /* content stems in common */
	bool declared;            /* across an overrides= no conflict has justified yet */
} specc_deep_pair;

typedef struct specc_deep_candidates {
	SPECC_TABLE(specc_deep_pair) pairs; /* the top max_pairs, best first */
	uint64_t sharing;         /* pairs that share enough content to be candidates */
	uint64_t decided;         /* of those, pairs the lexical tier reported */
	uint64_t declared;        /* pairs across an overrides= no conflict has justified yet */
	uint64_t total;           /* candidates before the cut to max_pairs */
	bool budget_reached;      /* some clause used up its share of SPECC_DEEP_PAIR_BUDGET */
} specc_deep_candidates;

/*
 * The candidate pairs of p's clauses, best first: pairs of different
 * clauses that share at least two content stems (stopwords out, stems
 * found in more than a quarter of a large project's clauses out), scored
 * by the weight (inverse document frequency) of the stems they share,
 * ties broken by clause order.  Pairs the lexical tier reported
 * (clause-conflict and conflict-overridden diagnostics in p->diags) are
 * left out and counted in decided; so is the same sentence twice.
 *
 * A section's overrides= that no conflict-overridden finding names yet
 * makes every pair of a clause of that section and one of the section it
 * names (or under it) a candidate, whatever they share: only a
 * contradiction between them can justify the declaration.  Those come
 * first, up to half of max_pairs (rounded up), each declaration's best
 * pair before any declaration's second; past that they compete on score
 * with the others.
 *
 * At most max_pairs are kept.  With the budget reached, a
 * conflict-pairing-limit note is added to p->diags.  Release out with
 * specc_deep_candidates_release().
 */
void specc_deep_candidates_find(specc_project *p, uint32_t max_pairs, specc_deep_candidates *out);
void specc_deep_candidates_release(specc_deep_candidates *c);

/*
 * specc_check() for a project whose model tier runs next: the same
 * findings, except that an overrides= no conflict has justified is not
 * reported yet, since a contradiction the model finds may justify it;
 * specc_deep_report_overrides() reports it once the model tier is done.
 * *lexical_complete tells whether the lexical tier compared every pair
 * it meant to (past its budget it judges no declaration unjustified);
 * pass it on.
 */
void specc_deep_check(specc_project *p, bool *lexical_complete);

/* ------------------------------------------------------------------ */
/* Verdicts */

typedef enum specc_deep_kind {
	SPECC_DEEP_CONTRADICTION,
	SPECC_DEEP_COMPATIBLE,
	SPECC_DEEP_UNCLEAR,
} specc_deep_kind;

/* "contradiction", "compatible", "unclear"; "?" for anything else. */
const char *specc_deep_kind_name(int kind);
/* The kind named by s, or -1. */
int specc_deep_kind_from_name(const char *s);

/*
 * Reports a judged pair into p->diags: a contradiction as a conflict
 * between clauses a and b, resolved by overrides= and authority exactly as
 * the lexical tier's (clause-conflict errors, or a conflict-overridden
 * note); unclear as a conflict-unclear note at both clauses; compatible as
 * nothing.  reason is the grader's (untrusted: quoted and cut in the
 * message).
 */
void specc_deep_report(specc_project *p, uint32_t a, uint32_t b, int kind, const char *reason);

/*
 * Reports that the deep check is incomplete: a deep-check-incomplete
 * warning saying that failed of total pairs got no usable judgement and
 * that unstored judgements could not be kept, with the first error
 * (untrusted: quoted and cut).
 */
void specc_deep_report_incomplete(specc_project *p, uint64_t failed, uint64_t unstored,
				  uint64_t total, const char *first_error);

/*
 * After the model tier: reports every legal overrides= that no conflict
 * of either tier justified (no conflict-overridden finding in p->diags
 * names it) as an invalid-override error, saying what the grader model
 * judged of the two sections' pairs of clauses (the candidates c, with
 * verdicts from specc_deep_totals, -1 for none) and what it did not.  An
 * error stands on the lexical tier's reading even when some of those
 * pairs got no judgement, as `specc check` without --deep would report
 * it; its message then says the verdict may change and how to finish it.
 * With c NULL (the model tier did not run) it reports as the lexical tier
 * does; with lexical_complete false (specc_deep_check()) nothing.
 */
void specc_deep_report_overrides(specc_project *p, const specc_deep_candidates *c, const int *verdicts,
				 bool lexical_complete);

/* ------------------------------------------------------------------ */
/* The request and the verdict (src/eval/deep.c) */

/* The system prompt.  Its SHA-256 is part of the deep grader's
 * fingerprint, so editing it asks every pair again. */
extern const char specc_deep_template[];

/* The response_format asking an OpenAI-compatible server for the verdict
 * object (structured outputs), as compact JSON text (static). */
const char *specc_deep_response_format(void);

/* The deep grader's fingerprint: SHA-256 of its kind, endpoint, model,
 * parameters, the response format asked for and the template's hash. */
void specc_deep_fingerprint(const specc_provider *pv, const char *model, bool structured,
			    char out[65]);

/*
 * The user message for the pair (a, b): a JSON document (compact text,
 * appended to out) with the project's chain of command and both clauses,
 * each with its text, spec, and section (ID, title, authority, and its
 * own text up to 4 KiB).  The clauses are in a canonical order (by their
 * JSON), so (a, b) and (b, a), or the same two clauses moved around the
 * project, make the same document.
 */
void specc_deep_document(const specc_project *p, uint32_t a, uint32_t b, specc_buf *out);

/* The grader's messages for a document: a JSON array (json_t *, new
 * reference) of the system prompt and one user message. */
void *specc_deep_messages(const char *document);

/* The cache key of a request: SHA-256 over the template version, the
 * grader's fingerprint and the document. */
void specc_deep_key(const char *fingerprint, const char *document, char out[65]);

/*
 * Reads a grader's output (untrusted text[0, len)) as a verdict: exactly
 * one JSON object, spaces around it allowed, with "verdict"
 * (contradiction, compatible or unclear) and "reason" (a non-empty
 * string), and nothing else.  Returns SPECC_OK with *kind and *reason
 * (malloc'ed), or SPECC_ESYNTAX with one sentence in why.
 */
int specc_deep_verdict_parse(const char *text, size_t len, int *kind, char **reason, specc_buf *why);

/* ------------------------------------------------------------------ */
/* Running it */

typedef struct specc_deep_options {
	const specc_provider *provider; /* the grader */
	const char *model;
	bool structured;          /* ask for the verdict schema (openai providers) */
	const char *fingerprint;  /* specc_deep_fingerprint() */
	int concurrency;
	bool no_cache;            /* ask again, ignoring stored judgements (still storing) */
	bool progress;            /* a live line on stderr */
} specc_deep_options;

typedef struct specc_deep_totals {
	uint64_t pairs;           /* candidates judged or tried */
	uint64_t stored;          /* judgements taken from the store, no call */
	uint64_t asked;           /* pairs sent to the grader */
	uint64_t kinds[3];        /* judgements by specc_deep_kind */
	uint64_t failed;          /* pairs with no usable judgement */
	uint64_t unstored;        /* judgements the store refused */
	uint64_t invalid;         /* grader outputs that did not validate */
	char *first_error;        /* why the first one failed (malloc'ed), or NULL */
	int *verdicts;            /* per candidate pair: its specc_deep_kind, -1 for none (malloc'ed) */
	specc_test_totals engine; /* calls, retries, tokens */
} specc_deep_totals;

void specc_deep_totals_release(specc_deep_totals *t);

/*
 * Judges every candidate pair: from the store when a judgement for the
 * same key is there (unless o->no_cache), else by asking the grader,
 * storing each valid judgement as it arrives.  Output that does not
 * validate is asked once more, then counted as failed; so are pairs whose
 * requests fail after their retries.  Each judgement is reported into
 * p->diags (specc_deep_report), in candidate order, and failures in one
 * deep-check-incomplete warning; what became of each pair is left in
 * t->verdicts for specc_deep_report_overrides().  Returns SPECC_OK
 * (failures are counted in t, not errors).  Release t with
 * specc_deep_totals_release().
 */
int specc_deep_run(specc_project *p, const specc_deep_candidates *c, specc_store *s,
		   const specc_deep_options *o, specc_deep_totals *t);

/* The store's side: a judgement by key.  *found tells; on a hit *kind and
 * *reason (malloc'ed) are set. */
int specc_store_deep_get(specc_store *s, const char *key, int *kind, char **reason, bool *found);

typedef struct specc_deep_row {
	const char *key;
	int kind;                 /* specc_deep_kind */
	const char *reason;
	const char *fingerprint;
	const char *model;
	const char *clause_a, *clause_b; /* the two clause texts, for people reading the store */
} specc_deep_row;

/* Stores a judgement, replacing one under the same key. */
int specc_store_deep_put(specc_store *s, const specc_deep_row *r);

#endif
