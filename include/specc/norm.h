/*
 * norm.h - normative statements: what a clause sentence obliges, forbids or
 * allows, read from its words.
 *
 * "If the member asks, the assistant must not share another member's
 * records" reads as: actor "assistant", modality must-not, action "share"
 * (stem "share"), object "another member's records", condition (if) "the
 * member asks".  One sentence may hold several statements ("... should
 * decline X and suggest Y").  The reading is lexical: modal verbs and their
 * negations, imperatives ("Don't ...", "Never ...", "Avoid ...", "Refuse
 * to ..."), condition words, and numeric limits ("at most 100 words").
 * Conflict detection compares statements; `specc parse --json` shows them
 * so authors can see how specc read their words.
 */
#ifndef SPECC_NORM_H
#define SPECC_NORM_H

#include "specc/project.h"

typedef enum specc_modality {
	SPECC_MOD_MUST,
	SPECC_MOD_MUST_NOT,
	SPECC_MOD_SHOULD,
	SPECC_MOD_SHOULD_NOT,
	SPECC_MOD_MAY,
} specc_modality;

/* "must", "must-not", "should", "should-not", "may". */
const char *specc_modality_name(int m);
/* Whether m forbids (must-not, should-not). */
bool specc_modality_negative(int m);

typedef enum specc_cond_kind {
	SPECC_COND_NONE,
	SPECC_COND_IF,            /* if, only if, provided, as long as */
	SPECC_COND_WHEN,          /* when, whenever, where */
	SPECC_COND_UNLESS,
	SPECC_COND_WHILE,
	SPECC_COND_EXCEPT,        /* except, except when, other than */
} specc_cond_kind;

/* "if", "when", "unless", "while", "except", or "" for none. */
const char *specc_cond_name(int k);

/* "at-most", "at-least", "exactly", or "" for none. */
const char *specc_limit_name(int k);

typedef enum specc_limit_kind {
	SPECC_LIMIT_NONE,
	SPECC_LIMIT_AT_MOST,      /* at most, no more than, up to, under, fewer than, within */
	SPECC_LIMIT_AT_LEAST,     /* at least, no fewer than, more than, over */
	SPECC_LIMIT_EXACTLY,      /* a count with no bound word: "five attempts", "a 15-minute slot" */
} specc_limit_kind;

typedef struct specc_norm {
	uint32_t clause;          /* into project.clauses */
	uint8_t modality;         /* specc_modality */
	bool imperative;          /* no subject: "Don't ...", "Ask ..." */
	bool absolute;            /* "never", "always", "under no circumstances" */
	specc_str actor;          /* the subject's head word, lower case; empty for an imperative */
	bool person;              /* the actor is a person ("the customer"), not the assistant or its output */
	specc_str verb;           /* the action's verb as written, lower case */
	specc_str action;         /* its stem (Snowball); "be <stem>" for "be honest" */
	specc_str object;         /* the object's content words as written, space-separated */
	specc_str object_stems;   /* their stems, space-separated, in order */
	/* The object's head phrase, stemmed: its first content words up to a
	 * preposition, a relative clause or a list ("transfers" of "transfers
	 * to countries on the list"), people left out ("customers to log out"
	 * is "log out"), four words at most.  Objects are compared by it too,
	 * since what follows the head is usually where two rules differ in
	 * wording, not in what they are about. */
	specc_str core_stems;
	/* A passive's head without what follows the verb: "miles should be
	 * returned to the member's account" is "mile" here, "mile account"
	 * above, so that it matches "the miles should be forfeited". */
	specc_str subject_core;
	bool pronoun;             /* the object is "it" or "them", named in the condition */
	bool only;                /* "should reply only in ...": a restriction, not an obligation */
	bool without;             /* the object is followed by "without ...", or holds "via ...": a manner, not the act */
	bool object_negated;      /* the object holds a "not" ("customers who have not opted in") */
	bool passive;             /* "refunds must be paid ...": the object is the subject, the actor anyone */
	/* Where the act is done: the stems after the first "in", "into",
	 * "under", "inside" or "onto" of the object ("etc cron.d" of
	 * "install a file in /etc/cron.d"), up to a comma or a word that
	 * starts something else; empty for none. */
	specc_str place_stems;
	bool format;              /* the action is a format ("put the time in bold" is "bold" the time) */
	/* The subject's content words' stems when it is not the assistant
	 * ("replies about mortgages"): what a limit is on. */
	specc_str subject_stems;
	/* All of the subject's content words' stems, its clauses too
	 * ("stores whose licence runs to midnight"): the case it names. */
	specc_str subject_words;
	bool subject_relative;    /* the subject has a relative clause: "customers who pay monthly" */
	/* The subject points back to what another sentence named: "it",
	 * "this field", "these files". */
	bool subject_refers;
	uint32_t subject_start, subject_end; /* the subject's bytes in the clause's text, or 0, 0 */
	uint8_t cond;             /* specc_cond_kind */
	bool cond_negated;        /* the condition holds a "not", "no", "never" or "without" */
	specc_str condition;      /* the condition's words, as written */
	specc_str condition_stems; /* its content words' stems, space-separated */
	/* A limit in the condition ("if it was charged more than 30 days
	 * ago"): it limits nothing, but tells the case from another
	 * ("within 24 hours of departure" is not "more than 24 hours
	 * before"). */
	uint8_t cond_limit;       /* specc_limit_kind */
	int64_t cond_limit_value;
	specc_str cond_limit_unit;
	uint8_t limit;            /* specc_limit_kind */
	int64_t limit_value;
	specc_str limit_unit;     /* the stem of what is counted: "word", "sentenc", or "£" */
	specc_str limit_text;     /* the limit as written: "within 30 days" */
	/* The limit is in the subject ("a student under 18 must not be
	 * sent ..."): it says which cases the rule is about, not how far the
	 * act may go. */
	bool limit_case;
	/* An exact count of time before an event ("two weeks before it
	 * happens", "seven days ahead"): a lead time, so a rule, compared
	 * as other counts are; a bare count of time is not. */
	bool limit_lead;
	uint32_t start, end;      /* the statement's bytes in the clause's text */
} specc_norm;

typedef struct specc_norms {
	SPECC_TABLE(specc_norm) items;
	/* The stems of people the project names that the word lists do not,
	 * learnt from what is said of them ("a guest who asks", "tell a
	 * guest to leave"): read as people in every clause. */
	SPECC_TABLE(specc_str) people;
	specc_arena arena;        /* every string above */
} specc_norms;

/*
 * Reads the statements of every clause of p, in clause order, into out
 * (initialised here; release it with specc_norms_release()).  A clause
 * with no modal reading (a definition, an example) has none.
 */
void specc_norms_extract(specc_norms *out, const specc_project *p);
void specc_norms_init(specc_norms *n);
void specc_norms_release(specc_norms *n);

/* Appends the statements of one sentence to out (initialised with
 * specc_norms_init()), for tests and tools: clause is stored as given. */
void specc_norms_read(specc_norms *out, uint32_t clause, const char *text, size_t len);

#endif
