/*
 * norm-words.h - the word lists of the statement reader, internal to
 * src/check: norm-words.c defines them, norm.c reads them.  A specc_str
 * list ends with { NULL, 0 }.
 */
#ifndef SPECC_CHECK_NORM_WORDS_H
#define SPECC_CHECK_NORM_WORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "specc/base.h"
#include "specc/buf.h"

extern const specc_str norm_adverbs[], norm_stopwords[], norm_imperative_verbs[], norm_modal_starts[],
	norm_cond_starts[], norm_not_verbs[], norm_actors[], norm_prepositions[], norm_relatives[],
	norm_persons[], norm_particles[], norm_limit_starts[], norm_number_words[];

/* "leave out" is "omit": verb and action by stem; no particle (a null
 * ptr) for a one-word synonym. */
struct norm_phrasal {
	specc_str verb, particle, action;
};
extern const struct norm_phrasal norm_phrasal[];
extern const size_t norm_phrasal_count;

/* Participles that do not end in -ed, and their verbs. */
struct norm_participle {
	specc_str participle, verb;
};
extern const struct norm_participle norm_participles[];
extern const size_t norm_participles_count;

/* A limit's opening words (up to three), its kind (specc_limit_kind) as
 * the words say it, and whether "before" after the unit turns it round. */
struct norm_limit_form {
	specc_str w[3];
	int kind;
	bool when;
};
extern const struct norm_limit_form norm_limit_forms[];
extern const size_t norm_limit_forms_count;

/*
 * Writes the American spelling of the lower-case word w into out (reset
 * first) and returns 1, or returns 0 when w is spelled the same in both:
 * "apologise" is "apologize", "colours" is "colors".  Two teams of one
 * project spell differently, and the stemmer keeps "apologis" and
 * "apolog" apart.
 */
/* Units of time by stem, in seconds: "minut" is 60. */
struct norm_time_unit {
	specc_str stem;
	int64_t seconds;
};
extern const struct norm_time_unit norm_time_units[];
extern const size_t norm_time_units_count;

/* The seconds in one unit of time, by stem, or 0 when stem is no unit of
 * time. */
int64_t norm_seconds(specc_str stem);

/* The verb a one-word synonym stands for, by stem ("quot" is "tell"), or
 * stem itself: what actions and antonym pairs are compared by. */
specc_str norm_canon(specc_str stem);
/* The stem a noun is read as: "answer" and "respons" are "repli". */
specc_str norm_noun(specc_str stem);

int norm_american(specc_str w, specc_buf *out);

#endif
