/*
 * grade.h - what a grader model is asked, and how its verdict is read.
 *
 * A grader judges one answer against the spec: it gets the clause, the
 * whole section the clause belongs to with its authority, the sections it
 * links to (its definitions), the section's own labelled examples as
 * precedents, the conversation and the answer, as one JSON document in the
 * user message under a fixed system prompt.  It must answer with a verdict
 * object of a strict shape; anything else is not a verdict, and is never
 * taken for a pass or a fail.
 */
#ifndef SPECC_GRADE_H
#define SPECC_GRADE_H

#include "specc/buf.h"
#include "specc/eval.h"
#include "specc/project.h"

typedef enum specc_verdict_kind {
	SPECC_VERDICT_COMPLIANT,
	SPECC_VERDICT_VIOLATION,
	SPECC_VERDICT_UNCLEAR,
	SPECC_VERDICT_UNSCORED,   /* no usable verdict: bad output, errors, a split */
} specc_verdict_kind;

/* "compliant", "violation", "unclear", "unscored". */
const char *specc_verdict_name(int kind);
/* The kind named by s, or -1. */
int specc_verdict_from_name(const char *s);

typedef struct specc_verdict {
	int kind;                 /* specc_verdict_kind */
	double confidence;        /* 0 to 1 */
	char *reason;             /* malloc'ed */
	char *violated;           /* the section IDs, as a compact JSON array (malloc'ed) */
} specc_verdict;

void specc_verdict_release(specc_verdict *v);

/* The system prompt every grader gets.  Its SHA-256 is part of the
 * grader's fingerprint, so editing it marks every calibration stale. */
extern const char specc_grade_template[];

/* What is judged. */
typedef struct specc_grade_subject {
	specc_unit unit;          /* the item or example whose conversation it is */
	uint32_t section;         /* judged against this section */
	uint32_t clause;          /* and this clause of it, or SPECC_NONE */
	const char *clause_id;    /* the eval ID, or NULL */
	uint32_t exclude_example; /* left out of the precedents (the one being
				   * calibrated on), or SPECC_NONE */
	uint32_t comparison;      /* the answer's <comparison> in its example: the
				   * conversation is every turn before it, with the
				   * GOOD answer of each earlier one; 0 or SPECC_NONE
				   * for the turns before the first */
	const char *answer;
	const char *const *rubric; /* an item's rubric expectations */
	uint32_t rubric_count;
} specc_grade_subject;

/*
 * Fills s for the case of unit u (its key) with answer: the unit's
 * section and clause, and the rubrics of its expect block.  The answer
 * and rubric texts are copied into arena.  Returns SPECC_OK, or
 * SPECC_EINVAL when the unit has no section to judge against.
 */
int specc_grade_subject_init(specc_grade_subject *s, const specc_project *p, const specc_unit *u,
			     const char *key, const char *answer, specc_arena *arena);

/*
 * The grader's messages for s: a JSON array (json_t *, new reference) of
 * the system prompt and one user message holding the document described
 * in docs/test.md#what-the-grader-sees.
 */
void *specc_grade_messages(const specc_project *p, const specc_grade_subject *s);

/* The messages of a model asked with a fixed system prompt and one user
 * message (both valid UTF-8): a JSON array (json_t *, new reference). */
void *specc_prompt_messages(const char *system, const char *user);

/*
 * The judgement key of s: SHA-256 of the clause (ID and text), the section
 * ID, the conversation, the rubric and the answer.  Two cases with the
 * same key ask the same question, so one verdict (a ruling or a model's)
 * answers both.
 */
void specc_grade_judgement_key(const specc_project *p, const specc_grade_subject *s, char out[65]);

/* The response_format that asks an OpenAI-compatible server for a
 * verdict object (structured outputs), as compact JSON text (static). */
const char *specc_grade_response_format(void);

/*
 * The grader's fingerprint: SHA-256 of its kind, endpoint, model,
 * parameters, whether structured output is asked for, and the template's
 * hash.  A verdict, and a calibration, belong to one fingerprint.
 */
void specc_grade_fingerprint(const specc_provider *pv, const char *model, bool structured,
			     char out[65]);

/*
 * The fingerprint of a model asked with a fixed system prompt: SHA-256 of
 * tag, the provider's kind, endpoint, model and parameters with format as
 * its response_format (NULL for none), and the template's SHA-256.  The
 * grader's, and the deep check's, are this with their own tag and prompt.
 */
void specc_model_fingerprint(const specc_provider *pv, const char *model, const char *format,
			     const char *tag, const char *template, char out[65]);

/*
 * The text of section sec up to its first subsection, each of its
 * examples replaced by example_note, cut at cap bytes (at a UTF-8
 * boundary, then "[... cut]").  A new JSON string (json_t *).
 */
void *specc_section_text_json(const specc_project *p, uint32_t sec, size_t cap, const char *example_note);

/*
 * Reads a grader's output (untrusted text[0, len)) as a verdict.  It must
 * be exactly one JSON object, spaces around it allowed, with "verdict"
 * (compliant, violation or unclear), "confidence" (0 to 1), "reason" (a
 * non-empty string) and "violated" (section IDs of p; at least one for a
 * violation, none for a compliant answer), and nothing else.  Returns
 * SPECC_OK and fills v (release it), or SPECC_ESYNTAX with one sentence
 * in why.
 */
int specc_verdict_parse(const specc_project *p, const char *text, size_t len, specc_verdict *v,
			specc_buf *why);

/*
 * The majority of n verdict kinds: the kind more than half of them share,
 * where unscored never wins; *agreement gets the share of the n that
 * agree with it.  Without a majority the result is unscored.
 */
int specc_verdict_majority(const int *kinds, int n, double *agreement);

/* ------------------------------------------------------------------ */
/* Grading a run */

/* One answer to grade. */
typedef struct specc_grade_item {
	specc_grade_subject subject;
	const char *key;          /* the case, in the store */
	uint32_t sample;
} specc_grade_item;

typedef struct specc_grade_plan {
	SPECC_TABLE(specc_grade_item) items;
	specc_arena arena;        /* keys, answers, rubric texts */
} specc_grade_plan;

void specc_grade_plan_init(specc_grade_plan *plan);
void specc_grade_plan_release(specc_grade_plan *plan);

/*
 * The plan for run `run` of `cases`: every case of the run that waits for
 * a grader (needs-grader, or unscored by an earlier attempt), judged
 * against its item's clause and section with the item's rubrics.  A case
 * whose item is no longer among `cases` is left alone.  Returns SPECC_OK
 * or SPECC_EIO (the store failed).
 */
int specc_grade_plan_for_run(specc_grade_plan *plan, const specc_project *p,
			     const specc_cases *cases, specc_store *s, int64_t run);

typedef struct specc_grade_options {
	const specc_provider *provider; /* the grader */
	const char *model;
	bool structured;          /* ask for the verdict schema (openai providers) */
	int judges;               /* verdicts per answer, odd */
	int concurrency;
	bool no_cache;            /* ask again: no cached output, no earlier verdict */
	bool progress;
	const char *fingerprint;  /* specc_grade_fingerprint() */
	FILE *batch_out;          /* as in specc_test_options */
	const specc_batch *batch_in;
} specc_grade_options;

typedef struct specc_grade_totals {
	int64_t graded;           /* cases settled */
	int64_t compliant, violation, unclear, unscored;
	int64_t ruled;            /* settled by a ruling, with no grader call */
	int64_t reused;           /* verdicts taken from an earlier run, no call */
	int64_t invalid;          /* grader outputs that did not validate */
	int64_t split;            /* cases whose judges had no majority */
} specc_grade_totals;

/*
 * Grades every item of the plan with o->judges verdicts each, and stores
 * each verdict and each case's grade as it is settled.  Engine counts
 * (calls, cached, retries, tokens) go to *t.  A ruling settles a case with
 * no call; so does a verdict this run or an earlier one already holds for
 * the same judgement, fingerprint and judge (unless o->no_cache).  Output
 * that does not validate is asked once more, then stored as unscored.
 * Returns SPECC_OK, or SPECC_EIO with a message in err.
 */
int specc_grade_run(const specc_project *p, const specc_grade_plan *plan, specc_store *s,
		    const specc_run_info *run, const specc_grade_options *o,
		    specc_grade_totals *gt, specc_test_totals *t, specc_buf *err);

/* ------------------------------------------------------------------ */
/* Verdicts, grades, rulings and calibrations in the store */

/* One judge's verdict on one case. */
typedef struct specc_verdict_row {
	const char *key;
	uint32_t sample;
	int judge;                /* 0 to judges - 1; -1 for a ruling */
	specc_verdict v;          /* kind unscored when there is no usable verdict */
	const char *source;       /* "grader", "ruling", or "earlier" (reused from an earlier run) */
	const char *fingerprint;  /* the grader's, "" for a ruling */
	const char *judgement;    /* specc_grade_judgement_key() */
	const char *request_hash; /* the grader request, or NULL */
	int attempts;
	bool cached;              /* the grader's output came from the response cache */
	const char *error;        /* why it is unscored, or NULL */
	const char *output;       /* the grader's raw output when it did not validate */
	int64_t prompt_tokens, completion_tokens;
	const char *model;        /* for the response cache */
} specc_verdict_row;

/* Stores a verdict (replacing one of an earlier attempt), and a valid
 * grader output in the response cache, in one transaction. */
int specc_store_verdict_put(specc_store *s, int64_t run, const specc_verdict_row *r);
/* Finds a usable (not unscored) verdict: judge `judge` of case (key,
 * sample) of the run when key is not NULL, otherwise the latest one any
 * run stored for (judgement, fingerprint, judge).  *found tells; fills v
 * (release it) when found. */
int specc_store_verdict_find(specc_store *s, int64_t run, const char *key, uint32_t sample,
			     const char *judgement, const char *fingerprint, int judge,
			     specc_verdict *v, bool *found);

/* The verdict a graded case got. */
typedef struct specc_grade_row {
	const char *key;
	uint32_t sample;
	int kind;                 /* specc_verdict_kind */
	double agreement;         /* share of the judges that agree with it */
	int judges;
	const char *source;       /* "grader" or "ruling" */
	const char *reason;
	const char *judgement;
} specc_grade_row;

/* Stores the grade and sets the case's status from it: compliant passes,
 * violation fails, anything else is unscored.  One transaction. */
int specc_store_grade_put(specc_store *s, int64_t run, const specc_grade_row *g);

/* One stored case: *answer (NULL when it errored) and *status, both
 * malloc'ed.  Returns SPECC_OK, SPECC_EINVAL when the run has no such
 * case, or SPECC_EIO. */
int specc_store_case_get(specc_store *s, int64_t run, const char *key, uint32_t sample,
			 char **answer, char **status);

/* Calls fn for every case of the run that waits for a grader (status
 * needs-grader or unscored), in key order. */
int specc_store_cases_to_grade(specc_store *s, int64_t run,
			       int (*fn)(void *ctx, const char *key, uint32_t sample, const char *answer),
			       void *ctx);

/* Calls fn for every grade of the run, in key order. */
int specc_store_grades(specc_store *s, int64_t run,
		       int (*fn)(void *ctx, const char *key, uint32_t sample, int kind,
				 double agreement, const char *reason),
		       void *ctx);

/* Calls fn for every ruling that the grader with this fingerprint also
 * judged, with both verdicts: where humans and the grader agree or not. */
int specc_store_ruling_disagreements(specc_store *s, const char *fingerprint,
				     int (*fn)(void *ctx, const char *case_key, const char *ruled,
					       const char *graded),
				     void *ctx);

typedef struct specc_ruling {
	char *judgement, *clause, *section;
	char *verdict;            /* compliant, violation or unclear */
	char *reason;
	char *conversation;       /* JSON array of messages */
	char *answer;
	char *case_key;           /* the case it was made on */
	int64_t run;              /* its run, 0 when imported without one */
	char *author, *created;
} specc_ruling;

void specc_ruling_release(specc_ruling *r);
/* Records a ruling, replacing an earlier one on the same judgement. */
int specc_store_ruling_put(specc_store *s, const specc_ruling *r);
/* *found tells whether judgement has a ruling; fills r when it has. */
int specc_store_ruling_get(specc_store *s, const char *judgement, specc_ruling *r, bool *found);
/* Calls fn for every ruling, oldest first. */
int specc_store_rulings(specc_store *s, int (*fn)(void *ctx, const specc_ruling *r), void *ctx);

typedef struct specc_calibration {
	char *fingerprint, *created, *grader, *model, *spec_fingerprint;
	int64_t run, total, correct;
	double accuracy;
	double kappa;             /* NaN when undefined */
	char *report;             /* JSON: the whole calibration report */
} specc_calibration;

void specc_calibration_release(specc_calibration *c);
int specc_store_calibration_put(specc_store *s, const specc_calibration *c);
int specc_store_calibration_get(specc_store *s, const char *fingerprint, specc_calibration *c,
				bool *found);

#endif
