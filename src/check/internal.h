/*
 * internal.h - what the files of src/check share.
 */
#ifndef SPECC_CHECK_INTERNAL_H
#define SPECC_CHECK_INTERNAL_H

#include "specc/buf.h"
#include "specc/map.h"
#include "specc/project.h"

/* Spec names, imports (unknown ones and cycles) and the authority
 * specc.yaml grants each spec.  Appends findings to p->diags. */
void specc_check_modules(specc_project *p);

/* Antonymous actions, by stem: a graph whose edges link each stem to its
 * antonyms (both ways). */
typedef struct specc_antonym_edge {
	specc_str word;
	uint32_t next;            /* the next edge of the same stem, or SPECC_NONE */
} specc_antonym_edge;

typedef struct specc_antonyms {
	specc_map index;          /* stem -> node */
	SPECC_TABLE(uint32_t) heads;          /* node -> first edge */
	SPECC_TABLE(specc_antonym_edge) edges;
	specc_arena arena;        /* stems read from WordNet */
} specc_antonyms;

void specc_antonyms_init(specc_antonyms *a);
void specc_antonyms_release(specc_antonyms *a);
/* Links x and y as antonyms; both must outlive a (the arena, or static). */
void specc_antonyms_add(specc_antonyms *a, specc_str x, specc_str y);
bool specc_antonyms_are(const specc_antonyms *a, specc_str x, specc_str y);
/* The first edge of w (walk with .next), or SPECC_NONE. */
uint32_t specc_antonyms_first(const specc_antonyms *a, specc_str w);
/* Adds WordNet's single-word verb antonyms from data.verb at path, by
 * Snowball stem.  Returns SPECC_OK, or SPECC_EIO when the file cannot be
 * read (a has then what it had). */
int specc_antonyms_load_wordnet(specc_antonyms *a, const char *path);

/*
 * Clauses that contradict each other: errors at one level of authority,
 * notes where a higher level wins.  Appends findings to p->diags.  With
 * defer, an overrides= no conflict justified is not reported: a later tier
 * may find the conflict (specc check --deep), and reports it with
 * specc_conflict_override_unjustified() once it is done.  *complete (when
 * not NULL) tells whether every candidate pair was compared: past the
 * budget no override is judged unjustified, deferred or not.
 */
void specc_check_conflicts(specc_project *p, bool defer, bool *complete);
/*
 * Reports that clauses ca and cb (into p->clauses) conflict, for why (one
 * sentence), resolved as specc_check_conflicts() resolves its own: by a
 * legal overrides=, else by authority, else an error at both clauses.
 * For tiers that judge pairs the lexical tier did not (specc check --deep).
 */
void specc_conflict_report(specc_project *p, uint32_t ca, uint32_t cb, const char *why);
/* The section each section's overrides= names, into target[0 ..
 * p->sections.len): SPECC_NONE where a section declares nothing, or
 * something that cannot hold (specc_check_conflicts() reports those). */
void specc_conflict_override_targets(const specc_project *p, uint32_t *target);
/* Reports that section `section`'s overrides= met no conflict: an
 * invalid-override error at the attribute, saying why ("but no clause of
 * the two conflicts" when NULL), with help (the general help when NULL). */
void specc_conflict_override_unjustified(specc_project *p, uint32_t section, const char *why,
					 const char *help);
/* Appends how messages name clause `clause`: "clause X (section S, level,
 * spec N)", its first eval ID, or "a clause" without one. */
void specc_conflict_describe(const specc_project *p, uint32_t clause, specc_buf *b);

#endif
