/*
 * conflict.c - clauses that contradict each other, within a spec and
 * across the specs of a project, resolved by authority.
 *
 * The lexical tier: two statements conflict when they give the same actor
 * the same action on the same object (its words, or its head) under
 * overlapping conditions with opposite polarity (must / must not, should /
 * should not, may / must not), when two duties are antonymous actions or
 * opposite qualities of one action ("formal" and "casual"), or when their
 * numeric limits on one thing cannot both hold (units of time and money
 * converted).  Eval items and inline examples conflict when one prompt is
 * refused under one clause and answered under another.  Candidate pairs
 * come from indexes over action stems and limit units, never from all
 * pairs, and the pairing has a budget: a project of near-duplicate clauses
 * gets a note that the budget was reached, not a hang.
 *
 * A conflict between levels of the chain of command is resolved in favour
 * of the higher one and reported as a note at the lower clause; a conflict
 * at one level is an error at both clauses.
 */
#include <stdlib.h>
#include <string.h>

#include "specc/buf.h"
#include "specc/codes.h"
#include "specc/map.h"
#include "specc/norm.h"
#include "internal.h"
#include "norm-words.h"

/* Pairs compared at most, over the whole project. */
#define PAIR_BUDGET 250000u
/* Conflicts listed at most: past this, near-duplicate clauses would bury
 * the report; the rest are counted in one note. */
#define MAX_LISTED 500u

/* Verbs whose actions exclude each other, by stem: the pairs specs use,
 * which WordNet lacks or files under other senses.  WordNet's verb
 * antonyms (data.verb of Debian's wordnet-base) are added to them.  Both
 * are stored as the verbs their synonyms stand for (norm_canon(): "deni"
 * is "refus"), as actions are read, so "disclose" and "conceal" pair as
 * "tell" and "hide". */
static const char *const antonyms[][2] = {
	{ "includ", "exclud" }, { "includ", "omit" },   { "allow", "forbid" },  { "allow", "prohibit" },
	{ "permit", "forbid" }, { "permit", "prohibit" }, { "accept", "reject" }, { "accept", "declin" },
	{ "accept", "refus" },  { "reveal", "conceal" }, { "reveal", "hide" },   { "disclos", "withhold" },
	{ "disclos", "conceal" }, { "share", "withhold" }, { "show", "hide" },   { "enabl", "disabl" },
	{ "start", "stop" },    { "begin", "stop" },     { "increas", "decreas" }, { "answer", "refus" },
	{ "answer", "declin" }, { "comply", "refus" },   { "follow", "ignor" },  { "obey", "ignor" },
	{ "obey", "disobey" },  { "remember", "forget" }, { "keep", "delet" },   { "store", "delet" },
	{ "encourag", "discourag" }, { "recommend", "discourag" }, { "confirm", "deni" },
	{ "assum", "question" }, { "expand", "shorten" }, { "lengthen", "shorten" }, { "add", "remov" },
	{ "withhold", "reveal" }, { "block", "allow" },   { "collaps", "expand" }, { "record", "discard" },
	{ "approv", "reject" },  { "approv", "declin" },  { "declin", "agre" },  { "refus", "agre" },
	{ "show", "omit" },      { "keep", "discard" },   { "attach", "omit" },  { "mask", "reveal" },
	{ "mask", "show" },      { "hide", "display" },   { "display", "omit" },  { "waiv", "charg" },
	{ "approv", "refus" },   { "give", "omit" },      { "provid", "omit" },   { "accept", "refus" },
	{ "grant", "refus" },    { "escal", "resolv" },   { "return", "forfeit" }, { "refund", "forfeit" },
	{ "keep", "forfeit" },   { "add", "omit" },     { "continu", "stop" },
};

/* Qualities that exclude each other, by stem: "write in a formal
 * register" and "write in a casual register" ask for opposites. */
static const char *const qualities[][2] = {
	{ "formal", "casual" },  { "formal", "inform" },  { "formal", "chatti" }, { "short", "long" },
	{ "brief", "long" },     { "brief", "lengthi" },  { "concis", "verbos" }, { "concis", "lengthi" },
	{ "simpl", "complex" },  { "plain", "technic" },  { "serious", "playful" }, { "warm", "cold" },
	{ "explicit", "implicit" }, { "direct", "indirect" }, { "exact", "approxim" },
	{ "precis", "approxim" }, { "full", "partial" },  { "public", "privat" }, { "posit", "negat" },
	{ "activ", "passiv" },   { "literal", "figur" },  { "option", "mandatori" }, { "upper", "lower" },
	{ "uppercas", "lowercas" }, { "visibl", "hidden" }, { "metric", "imperi" },
};

/* Values of which one thing has one: "reply in English" and "reply in
 * Spanish", "send it by email" and "by text message", "quote the annual
 * rate" and "the monthly rate".  Words as written, since the stems of
 * "monthly" and "month" are one. */
static const char *const *const value_groups[] = {
	(const char *const[]){ "english", "spanish", "french", "german", "italian", "portuguese", "welsh",
			       "irish", "dutch", "polish", "russian", "chinese", "mandarin", "cantonese",
			       "japanese", "korean", "arabic", "hindi", "urdu", "turkish", "greek", NULL },
	(const char *const[]){ "email", "e-mail", "sms", "text", "phone", "post", "letter", "fax", "whatsapp",
			       NULL },
	(const char *const[]){ "daily", "weekly", "fortnightly", "monthly", "quarterly", "annual", "annually",
			       "yearly", NULL },
};

/* What each group above is a value of, by stem: "any language". */
static const char *const group_names[] = { "languag", "channel", "frequenc" };
_Static_assert(sizeof group_names / sizeof *group_names == sizeof value_groups / sizeof *value_groups,
	       "every group of values has a name");

static bool eq(specc_str a, specc_str b)
{
	return a.len == b.len && (a.len == 0 || !memcmp(a.ptr, b.ptr, a.len));
}

static bool eqs(specc_str a, const char *b)
{
	/* An empty slice may have no pointer at all.  The first byte tells
	 * most words apart before strlen has to: the lists are compared in
	 * every candidate pair. */
	if (!a.len)
		return !*b;
	return a.ptr[0] == b[0] && a.len == strlen(b) && !memcmp(a.ptr, b, a.len);
}

/* Whether w is one of the NULL-ended list. */
static bool in_list(specc_str w, const char *const *list)
{
	for (; *list; list++)
		if (eqs(w, *list))
			return true;
	return false;
}

struct tier {
	specc_project *p;         /* for quoting the statements in messages */
	const specc_antonyms *ant;
	const specc_norm *base;
	const uint64_t *qual;
	const uint32_t *vals;     /* value_ids() of each statement's object */
	const specc_norms *ns;    /* for the people the project names that the lists do not */
	const uint32_t *para;     /* paragraphs() of each clause */
};

/* Words that join a case to its object rather than name it. */
static const char *const joins[] = { "befor", "after", "until", "dure", "onc", "whether", "rather",
				     "instead", "than", "time", "way", NULL };

/* Stems in most statements that name no topic and no case: the assistant
 * and the people it serves ("the customer asks", "tell users"), and the
 * people a project names that the lists do not ("a guest who asks", "tell
 * a guest to ..."): found as the ones told and asked, they are the people
 * it serves too.  Other roles of the lists ("a student", "staff") often
 * name the case, and reading them all as everyday found 3 fewer
 * conflicts on the development sets. */
static bool everyday(const struct tier *t, specc_str w)
{
	static const char *const common[] = { "assist", "model", "custom", "user", "passeng", "member",
					      "patient", "client", "caller", "someon", NULL };
	if (in_list(w, common))
		return true;
	for (uint32_t i = 0; i < t->ns->people.len; i++)
		if (eq(w, t->ns->people.items[i]))
			return true;
	return false;
}

/* Where WordNet's verbs are: SPECC_WORDNET names data.verb elsewhere, or
 * turns WordNet off when empty. */
static void antonyms_load(specc_antonyms *ant)
{
	const char *path = getenv("SPECC_WORDNET");

	specc_antonyms_init(ant);
	for (size_t i = 0; i < sizeof antonyms / sizeof *antonyms; i++)
		specc_antonyms_add(ant, specc_str_make(antonyms[i][0], strlen(antonyms[i][0])),
				   specc_str_make(antonyms[i][1], strlen(antonyms[i][1])));
	if (!path)
		path = "/usr/share/wordnet/data.verb";
	/* Without WordNet the built-in pairs still apply; docs/conflicts.md
	 * says where the file comes from. */
	if (*path)
		specc_antonyms_load_wordnet(ant, path);
}

/* The assistant goes by many names in one spec, and its output ("replies
 * about mortgages should ...") speaks for it: whatever is not a person
 * (norm.c's list: "the customer", "branch staff") is the assistant, and a
 * rule on a person never conflicts with one on the assistant.  People
 * must be the same. */
static bool same_actor(const specc_norm *a, const specc_norm *b)
{
	/* "Power banks must not be carried" binds whoever carries them;
	 * "can be suspended by the fraud team" binds the team. */
	if ((a->passive && !a->person) || (b->passive && !b->person))
		return true;
	return a->person == b->person && (!a->person || eq(a->actor, b->actor));
}

/* Words of a space-separated stem list, compared as sets. */
static uint32_t words(specc_str s, specc_str *out, uint32_t max)
{
	uint32_t n = 0;
	size_t i = 0;

	while (i < s.len && n < max) {
		size_t j = i;
		while (j < s.len && s.ptr[j] != ' ')
			j++;
		if (j > i) {
			bool dup = false;
			for (uint32_t k = 0; k < n; k++)
				dup |= out[k].len == j - i && !memcmp(out[k].ptr, s.ptr + i, j - i);
			if (!dup)
				out[n++] = specc_str_make(s.ptr + i, j - i);
		}
		i = j + 1;
	}
	return n;
}

/* How much two stem lists share: Jaccard similarity (1 when both are
 * empty), and the share of the shorter one found in the longer one. */
static double jaccard2(specc_str a, specc_str b, double *contained)
{
	specc_str wa[16], wb[16];
	uint32_t na = words(a, wa, 16), nb = words(b, wb, 16), common = 0;

	*contained = 0;
	if (!na && !nb) {
		*contained = 1;
		return 1;
	}
	for (uint32_t i = 0; i < na; i++)
		for (uint32_t k = 0; k < nb; k++)
			if (eq(wa[i], wb[k])) {
				common++;
				break;
			}
	if (na && nb)
		*contained = (double)common / (double)(na < nb ? na : nb);
	return (double)common / (double)(na + nb - common);
}

/* Whether two objects are the same thing: most words shared, or one
 * object's words, two at least, all inside the other's ("emoji" and
 * "emoji to keep replies friendly" are one object; "records" inside
 * "anonymised records" is not enough on its own). */
static bool same_words(specc_str a, specc_str b, bool one)
{
	specc_str w[16];
	double contained, j = jaccard2(a, b, &contained);
	uint32_t na = words(a, w, 16), nb = words(b, w, 16);

	return j >= 0.6 || (contained >= 0.99 && (na < nb ? na : nb) >= 2) ||
	       (one && contained >= 0.99 && (na < nb ? na : nb) == 1 && (na > nb ? na : nb) <= 2);
}

/* A condition's words that tell it from another: people are in most
 * conditions, and "after X" is "when X". */
static uint32_t cond_words(const struct tier *t, specc_str stems, specc_str *out, uint32_t max)
{
	specc_str w[16];
	uint32_t n = words(stems, w, 16), m = 0;

	for (uint32_t i = 0; i < n && m < max; i++)
		if (!everyday(t, w[i]) && !eqs(w[i], "after"))
			out[m++] = w[i];
	return m;
}

/* How many of a's words are in b. */
static uint32_t shared(const specc_str *a, uint32_t na, const specc_str *b, uint32_t nb)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < na; i++)
		for (uint32_t j = 0; j < nb; j++)
			if (eq(a[i], b[j])) {
				n++;
				break;
			}
	return n;
}

/* Whether two stem lists are one list but for one word in one place:
 * "custom basic plan" and "custom premium plan", "student first year"
 * and "student final year".  In order, not as sets: the word that
 * differs fills the same slot, so the two name two cases of one thing. */
static bool one_slot_apart(specc_str x, specc_str y)
{
	const char *p, *q, *pe, *qe;
	uint32_t n = 0, diff = 0;

	/* An empty list may have no pointer at all. */
	if (!x.len || !y.len)
		return false;
	p = x.ptr;
	q = y.ptr;
	pe = x.ptr + x.len;
	qe = y.ptr + y.len;
	while (p < pe && q < qe) {
		const char *ps = memchr(p, ' ', (size_t)(pe - p)), *qs = memchr(q, ' ', (size_t)(qe - q));
		size_t lp, lq;
		if (!ps)
			ps = pe;
		if (!qs)
			qs = qe;
		lp = (size_t)(ps - p);
		lq = (size_t)(qs - q);
		diff += lp != lq || memcmp(p, q, lp);
		n++;
		p = ps + (ps < pe);
		q = qs + (qs < qe);
	}
	return p >= pe && q >= qe && n >= 2 && diff == 1;
}

/* The words of n's subject that name its case, beyond its head: "pay
 * year go" of "customers who pay for the year in one go", into out (16 at
 * most); people and the head left out. */
static uint32_t case_words(const struct tier *t, const specc_norm *n, specc_str *out)
{
	specc_str all[16], head[16];
	uint32_t na = words(n->subject_words, all, 16), nh = words(n->subject_stems, head, 16), k = 0;

	for (uint32_t i = 0; i < na; i++)
		if (!shared(&all[i], 1, head, nh) && !everyday(t, all[i]))
			out[k++] = all[i];
	return k;
}

/* Whether both subjects name a case, and the cases share no word:
 * "customers who pay for the year in one go" and "customers who spread
 * the cost over monthly payments". */
static bool cases_of_subjects_apart(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	specc_str ca[16], cb[16];
	uint32_t na, nb;

	if (!a->subject_relative || !b->subject_relative)
		return false;
	na = case_words(t, a, ca);
	nb = case_words(t, b, cb);
	return na && nb && !shared(ca, na, cb, nb);
}

/* Whether a stem and a word, or two of either, are one word: "packag"
 * and "packages". */
static bool akin(specc_str x, specc_str y)
{
	size_t n = x.len < y.len ? x.len : y.len;

	return (x.len == y.len || n >= 4) && (n == 0 || !memcmp(x.ptr, y.ptr, n));
}

/* Whether no word of a is akin to one of b's. */
static bool none_akin(const specc_str *a, uint32_t na, const specc_str *b, uint32_t nb)
{
	for (uint32_t i = 0; i < na; i++)
		for (uint32_t k = 0; k < nb; k++)
			if (akin(a[i], b[k]))
				return false;
	return true;
}

/* The words that name what a statement's subject is, into out (16 at
 * most): its stems, or else its head word as written ("/var/lock is
 * required ..." after another subject); none for the assistant, what it
 * writes, or a pronoun. */
static uint32_t subject_of(const specc_norm *n, specc_str *out)
{
	static const char *const own[] = { "assist", "model", "bot", "chatbot", "agent", "ai", "chatgpt",
					   "system", "repli", "messag", "output", "text", NULL };
	static const char *const pronouns[] = { "you", "we", "i", "he", "she", "one", NULL };
	uint32_t k = 0;

	if (n->subject_stems.len) {
		k = words(n->subject_stems, out, 16);
	} else if (n->actor.len && !in_list(n->actor, pronouns)) {
		for (const specc_str *w = norm_actors; w->ptr; w++)
			if (eq(n->actor, *w))
				return 0;
		out[k++] = n->actor;
	}
	for (uint32_t i = 0; i < k; i++)
		for (const char *const *o = own; *o; o++)
			if (akin(out[i], specc_str_make(*o, strlen(*o))))
				return 0;
	return k;
}

/*
 * Whether a and b are rules on two things of their own: "/var/run is
 * required to be a symbolic link" and "/usr/share/doc/package must not
 * be one", "these scripts must not fail" and "invocations of unknown
 * services may fail".  Both subjects are things that act (not people, not
 * the object of a passive, not the assistant or what it writes), and they
 * share no word.
 */
static bool other_subjects(const specc_norm *a, const specc_norm *b)
{
	specc_str wa[16], wb[16];
	uint32_t na, nb;

	if (a->person || b->person || a->passive || b->passive)
		return false;
	na = subject_of(a, wa);
	nb = subject_of(b, wb);
	return na && nb && none_akin(wa, na, wb, nb);
}

/* Whether two words of a's condition, people left out, are in b's
 * object. */
static bool cond_in_object(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	specc_str c[16], o[16];
	uint32_t nc = cond_words(t, a->condition_stems, c, 16), no = words(b->object_stems, o, 16);

	return shared(c, nc, o, no) >= 2;
}

/* Whether a statement's object is its head and nothing more: "the miles
 * should be forfeited", "accept the request". */
static bool says_no_more(const specc_norm *n)
{
	return n->core_stems.len &&
	       (n->passive ? eq(n->core_stems, n->subject_core) : eq(n->core_stems, n->object_stems));
}

/* Whether a's object names a case by what it is without that b's object
 * has: "a customer without a smart meter" and "a customer with a smart
 * meter" are two cases. */
static bool lacks(const specc_norm *a, const specc_norm *b)
{
	specc_str wa[16], wb[16];
	uint32_t na = 0, nb = words(b->object_stems, wb, 16);
	const char *p = a->object_stems.ptr, *end = p + a->object_stems.len;

	/* Not words(): it drops repeats, which would part "without" from
	 * the word after it. */
	while (p < end && na < 16) {
		const char *q = memchr(p, ' ', (size_t)(end - p));
		if (!q)
			q = end;
		wa[na++] = specc_str_make(p, (size_t)(q - p));
		p = q + 1;
	}
	for (uint32_t i = 0; i + 1 < na; i++) {
		if (!eqs(wa[i], "without"))
			continue;
		bool in_b = false, without_in_b = false;
		for (uint32_t k = 0; k < nb; k++) {
			in_b |= eq(wb[k], wa[i + 1]);
			without_in_b |= eqs(wb[k], "without");
		}
		if (in_b && !without_in_b)
			return true;
	}
	return false;
}

static uint32_t value_ids(specc_str object);

/* Whether a's head is the name of a group of values ("language") that
 * b's object has a value of ("Welsh"). */
static bool names_group(const specc_norm *a, const specc_norm *b)
{
	uint32_t ids = 0;
	bool computed = false;

	for (size_t g = 0; g < sizeof group_names / sizeof *group_names; g++) {
		if (!eqs(a->core_stems, group_names[g]))
			continue;
		if (!computed) {
			ids = value_ids(b->object);
			computed = true;
		}
		if ((ids >> (5 * g)) & 31u)
			return true;
	}
	return false;
}

/* Whether a's head has a word that b's object lacks and b's head one that
 * a's object lacks, on one noun: "first-year students" and "returning
 * students" are two kinds of one thing, not one. */
static bool siblings(const specc_norm *a, const specc_norm *b)
{
	specc_str ha[8], hb[8], oa[16], ob[16];
	uint32_t nha, nhb, noa, nob;

	/* Most heads are one word: no kinds to tell apart, nothing to split. */
	if (!a->core_stems.len || !b->core_stems.len || !memchr(a->core_stems.ptr, ' ', a->core_stems.len) ||
	    !memchr(b->core_stems.ptr, ' ', b->core_stems.len))
		return false;
	nha = words(a->core_stems, ha, 8);
	nhb = words(b->core_stems, hb, 8);
	if (nha < 2 || nhb < 2 || !eq(ha[nha - 1], hb[nhb - 1]))
		return false;
	noa = words(a->object_stems, oa, 16);
	nob = words(b->object_stems, ob, 16);
	return shared(ha, nha - 1, ob, nob) < nha - 1 && shared(hb, nhb - 1, oa, noa) < nhb - 1;
}

/* The paragraph of each clause, as a number that two clauses share only
 * when no blank line parts them in one file; read once, in clause order,
 * so each byte between clauses is looked at once.  The caller frees the
 * array. */
static uint32_t *paragraphs(const specc_project *p)
{
	uint32_t *para = specc_xcalloc(p->clauses.len + 1, sizeof *para), n = 0;

	for (uint32_t c = 0; c < p->clauses.len; c++) {
		specc_span x = c ? p->clauses.items[c - 1].span : SPECC_SPAN_NONE, y = p->clauses.items[c].span;
		bool apart = !c || x.file != y.file || y.start < x.end;

		for (uint32_t k = x.end; !apart && k + 1 < y.start; k++) {
			const char *d = p->sources.items[y.file].data;
			apart = d[k] == '\n' && (d[k + 1] == '\n' || d[k + 1] == '\r');
		}
		para[c] = n += apart;
	}
	return para;
}

/* Whether a's subject points back to a thing another sentence named ("It
 * should not exist", "This field should not be used"), and b is about a
 * thing too, in another paragraph: one sentence's "it" is seldom another
 * paragraph's thing.  An "it" that is the assistant ("It should use the
 * customer's first name") still meets the assistant's rules. */
static bool refers_elsewhere(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	specc_str w[16];

	if (!a->subject_refers) {
		const specc_norm *s = a;
		a = b;
		b = s;
	}
	if (!a->subject_refers || a->person || b->person)
		return false;
	return (b->subject_refers || subject_of(b, w)) && t->para[a->clause] != t->para[b->clause];
}

/* Whether the subjects tell a and b apart: two things of their own
 * ("/var/run" and "the documentation directory"), or two cases of one
 * thing, in one slot ("customers on the basic plan", "on the premium
 * plan") or in relative clauses that share no word ("customers who pay
 * for the year in one go", "who spread the cost"). */
static bool apart_by_subject(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	if (refers_elsewhere(t, a, b))
		return true;
	return other_subjects(a, b) || one_slot_apart(a->subject_words, b->subject_words) ||
	       cases_of_subjects_apart(t, a, b);
}

/*
 * Whether a and b put one act in two places: "must not install files in
 * /usr/lib64" and "should install a file in /etc/cron.d", "avoid storing
 * files in the web root" and "files should be stored in a temporary file
 * system".  A ban in one place leaves the act free in another.
 */
static bool other_places(const specc_norm *a, const specc_norm *b)
{
	specc_str pa[16], pb[16];
	uint32_t na = words(a->place_stems, pa, 16), nb = words(b->place_stems, pb, 16);

	return na && nb && none_akin(pa, na, pb, nb);
}

/* Whether a's head is one word, and the first of b's: "a claim" and
 * "claims for items worth more than £2,500" (not "fee" and "change
 * fee", where the shared word is the last). */
static bool head_of(const specc_norm *a, const specc_norm *b)
{
	specc_str ha = a->passive ? a->subject_core : a->core_stems, hb = b->passive ? b->subject_core : b->core_stems;
	const char *sp;

	if (!ha.len || memchr(ha.ptr, ' ', ha.len) || !(sp = memchr(hb.ptr, ' ', hb.len)))
		return false;
	return (size_t)(sp - hb.ptr) == ha.len && !memcmp(ha.ptr, hb.ptr, ha.len);
}

/* Whether two statements act on the same thing: their objects are the
 * same words, or their objects' heads are ("transfers to countries on the
 * high-risk list" and "transfers to every country we support").  Two
 * empty heads match only when both verbs take no object ("joke about
 * money" and "joke back"). */
static bool same_object(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	double contained;

	if (a->object_negated != b->object_negated || lacks(a, b) || lacks(b, a))
		return false;
	if (siblings(a, b))
		return false;
	/* "If the fraud tool confirms a card payment as fraud, reverse it":
	 * it is what the condition names. */
	if (a->pronoun && a->cond && b->core_stems.len) {
		jaccard2(b->core_stems, a->condition_stems, &contained);
		if (contained >= 0.99)
			return true;
	}
	if (b->pronoun && b->cond && a->core_stems.len) {
		jaccard2(a->core_stems, b->condition_stems, &contained);
		if (contained >= 0.99)
			return true;
	}
	/* "Miles should be returned to the member's account" and "the
	 * miles should be forfeited": the same miles, when the other passive
	 * says nothing more of them. */
	if ((a->subject_core.len && says_no_more(b) && same_words(a->subject_core, b->core_stems, false)) ||
	    (b->subject_core.len && says_no_more(a) && same_words(b->subject_core, a->core_stems, false)))
		return true;
	/* "Apologise when a flight is delayed by bad weather" and "don't
	 * apologise for delays caused by weather": an act with no object is
	 * about what its condition names, when two of those words are the
	 * other's object. */
	if ((!a->core_stems.len && a->cond && cond_in_object(t, a, b)) ||
	    (!b->core_stems.len && b->cond && cond_in_object(t, b, a)))
		return true;
	/* "Remove it on purge": an object known only as "it" is no other
	 * object, unless its condition names it (above). */
	if ((a->pronoun && !a->object_stems.len) || (b->pronoun && !b->object_stems.len))
		return false;
	if (same_words(a->object_stems, b->object_stems, true))
		return true;
	/* A format used anywhere ("use emoji") is used in replies too. */
	if (a->format && b->format && (!a->object_stems.len || !b->object_stems.len))
		return true;
	/* "in any language" and "in Welsh": one names what the other is a
	 * value of. */
	if (names_group(a, b) || names_group(b, a))
		return true;
	/* An empty head ("tell passengers when ...") says nothing. */
	if (!a->core_stems.len || !b->core_stems.len)
		return false;
	/* "A claim is never turned down, whatever the items were worth"
	 * covers "claims for items worth more than £2,500": a rule held in
	 * every case is about every kind of its one-word head. */
	if (((a->absolute && head_of(a, b)) || (b->absolute && head_of(b, a))) && !other_places(a, b))
		return true;
	/* One word inside two ("fee" and "change fee", "request" and "seat
	 * request") is a compound more often than the same thing. */
	return same_words(a->core_stems, b->core_stems, false) && !other_places(a, b);
}

static bool opposite(int a, int b)
{
	bool na = specc_modality_negative(a), nb = specc_modality_negative(b);
	return na != nb;
}

/* Whether two stems name alternatives of one kind: two values of a group
 * ("english", "spanish"), opposite qualities ("short", "long"), or two
 * compounds that differ in one part ("short-haul", "long-haul";
 * "first-year", "final-year"). */
static bool alternatives(specc_str x, specc_str y)
{
	const char *dx = x.len ? memchr(x.ptr, '-', x.len) : NULL, *dy = y.len ? memchr(y.ptr, '-', y.len) : NULL;

	if (eq(x, y))
		return false;
	for (size_t g = 0; g < sizeof value_groups / sizeof *value_groups; g++) {
		bool hx = false, hy = false;
		for (const char *const *v = value_groups[g]; *v; v++) {
			hx |= eqs(x, *v);
			hy |= eqs(y, *v);
		}
		if (hx && hy)
			return true;
	}
	for (size_t k = 0; k < sizeof qualities / sizeof *qualities; k++)
		if ((eqs(x, qualities[k][0]) && eqs(y, qualities[k][1])) ||
		    (eqs(x, qualities[k][1]) && eqs(y, qualities[k][0])))
			return true;
	if (dx && dy) {
		size_t px = (size_t)(dx - x.ptr), py = (size_t)(dy - y.ptr);
		bool head = px == py && !memcmp(x.ptr, y.ptr, px),
		     tail = x.len - px == y.len - py && !memcmp(dx, dy, x.len - px);
		return head != tail;
	}
	return false;
}

/* Whether unconditional a's object, past its head, names a case that
 * shares a word with conditional b's condition and has a word that
 * neither b's condition nor b's object holds: the same kind of case with
 * another value ("to bookings on short-haul flights" against "on
 * long-haul flights"). */
static bool other_case(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	specc_str wa[16], head[16], cb[16], ob[16];
	uint32_t na = words(a->object_stems, wa, 16), nh = words(a->core_stems, head, 16),
		 nc = cond_words(t, b->condition_stems, cb, 16), no = words(b->object_stems, ob, 16);
	specc_str tail[16], others[16], missing = SPECC_STR_NULL;
	uint32_t other = 0, nt = 0;

	/* Words that stretch a rule over every case: "whatever the fare
	 * type", "every rebooking, schedule changes included". */
	static const char *const every[] = { "whatev", "whichev", "regardless", "everi", "includ",
					     "even", NULL };

	if (b->cond == SPECC_COND_UNLESS || b->cond == SPECC_COND_EXCEPT || a->absolute)
		return false;
	for (uint32_t i = 0; i < na; i++) {
		if (in_list(wa[i], every))
			return false;
		if (everyday(t, wa[i]) || shared(&wa[i], 1, head, nh) || in_list(wa[i], joins) ||
		    eq(wa[i], a->limit_unit) || (wa[i].ptr[0] >= '0' && wa[i].ptr[0] <= '9'))
			continue;
		tail[nt++] = wa[i];
		if (!shared(&wa[i], 1, cb, nc) && !shared(&wa[i], 1, ob, no))
			others[other++] = wa[i];
	}
	for (uint32_t i = 0; i < nc; i++)
		if (!shared(&cb[i], 1, tail, nt))
			missing = cb[i];
	/* Another value is one word of the condition that the object lacks.
	 * More words than that, or than two in the object, is a case told
	 * at length ("opt out of satisfaction surveys" for "stop getting
	 * surveys"), not another one; and a condition whose words are all in
	 * the object ("miles spent on a cancelled booking", "when a booking
	 * is cancelled") is the same case. */
	if (!other || other > 2 || !shared(tail, nt, cb, nc) || shared(cb, nc, tail, nt) + 1 != nc)
		return false;
	/* And the two are alternatives, not two words for one case ("a
	 * conflict with a flatmate", "a problem with a flatmate"). */
	for (uint32_t i = 0; i < other; i++)
		if (alternatives(others[i], missing))
			return true;
	return false;
}

static bool limit_outside_case(const specc_norm *a, const specc_norm *b);

/*
 * Whether the two statements can apply at once.  Both unconditional, or
 * one: yes.  Both conditional: when the conditions are the same, or when
 * an "unless"/"except" on one side does not name the other's condition.
 */
static bool conditions_overlap(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	bool xa = a->cond == SPECC_COND_UNLESS || a->cond == SPECC_COND_EXCEPT,
	     xb = b->cond == SPECC_COND_UNLESS || b->cond == SPECC_COND_EXCEPT;
	specc_str ca[16], cb[16];
	uint32_t na, nb, common;

	if (limit_outside_case(a, b) || limit_outside_case(b, a))
		return false;
	if (!a->cond && !b->cond)
		return true;
	if (!a->cond || !b->cond) {
		/* A rule without a condition holds in the other's case too:
		 * "must not recommend funds" and "when asked, should
		 * recommend funds" clash when asked.  Unless its object
		 * names another case of the same kind: "reply in Spanish to
		 * a patient who writes in English" against "when a patient
		 * writes in Spanish". */
		const specc_norm *c = a->cond ? a : b, *u = a->cond ? b : a;
		/* "No alcohol may be delivered after 10pm unless the store's
		 * licence covers later hours" and "stores whose licence runs
		 * to midnight may deliver alcohol": the other's subject names
		 * the exception, as a condition would (the test below). */
		if (c->cond == SPECC_COND_UNLESS || c->cond == SPECC_COND_EXCEPT) {
			na = cond_words(t, c->condition_stems, ca, 16);
			nb = cond_words(t, u->subject_words, cb, 16);
			common = shared(ca, na, cb, nb);
			/* A bare "shops may" names no case. */
			if (nb >= 2 && 2 * common >= (na < nb ? na : nb))
				return false;
		}
		return a->cond ? !other_case(t, b, a) : !other_case(t, a, b);
	}
	na = cond_words(t, a->condition_stems, ca, 16);
	nb = cond_words(t, b->condition_stems, cb, 16);
	common = shared(ca, na, cb, nb);
	/* "Must not X unless Y" and "may X when Y" is the exception the text
	 * allows; "unless Y" against "when Z" leaves Z without Y open. */
	if (xa != xb)
		return 2 * common < (na < nb ? na : nb);
	/* Conditions that differ in one word ("signed in" and "not signed
	 * in", "before" and "after the questionnaire") usually exclude each
	 * other: only the same condition overlaps for sure. */
	return common == na && common == nb && a->cond_negated == b->cond_negated;
}

/* Adds the words of s to w[0..n) (room for 32) that are not there yet. */
static uint32_t merge_words(specc_str *w, uint32_t n, specc_str s)
{
	specc_str more[16];
	uint32_t m = words(s, more, 16);

	for (uint32_t i = 0; i < m && n < 32; i++) {
		bool dup = false;
		for (uint32_t k = 0; k < n && !dup; k++)
			dup = eq(w[k], more[i]);
		if (!dup)
			w[n++] = more[i];
	}
	return n;
}

static specc_str dimension(const specc_norm *n, int64_t *scale);
static bool time_or_money(specc_str dim);

/* The words of n's object and subject that can name what its limit is
 * on, into out (32 at most): not either side's counted unit, a number or
 * the limit's own words, nor people.  What follows a count of time in
 * the object is what it counts from ("within two working days of a claim
 * being reported"), not what it limits. */
static uint32_t topic_words(const struct tier *t, const specc_norm *n, const specc_norm *o, specc_str *out)
{
	static const char *const limit_words[] = { "least", "most", "under", "over", "more", "fewer",
						   "less", "maximum", "minimum", "exceed", "up", "within",
						   "mani", "much", "later", "long", "short", "ahead", "ago", "old",
						   "befor", "after", "earlier", "sooner", "than", "longer",
						   "shorter", "greater", "higher", "lower", "larger", "smaller",
						   "bigger", NULL };
	static const char *const numbers[] = { "one", "two", "three", "four", "five", "six", "seven",
					       "eight", "nine", "ten", "eleven", "twelv", "twenti", "thirti",
					       "forti", "fifti", "hundr", "thousand", NULL };
	specc_str w[32];
	int64_t scale;
	uint32_t nw = words(n->object_stems, w, 16), k = 0;
	bool counts_time = n->limit && time_or_money(dimension(n, &scale));

	if (counts_time)
		for (uint32_t i = 0; i < nw; i++)
			if (eq(w[i], n->limit_unit)) {
				nw = i;
				break;
			}
	nw = merge_words(w, nw, n->subject_stems);
	for (uint32_t i = 0; i < nw; i++)
		if (!eq(w[i], n->limit_unit) && !eq(w[i], o->limit_unit) &&
		    !(w[i].len && w[i].ptr[0] >= '0' && w[i].ptr[0] <= '9') && !everyday(t, w[i]) &&
		    !in_list(w[i], numbers) && !in_list(w[i], limit_words))
			out[k++] = w[i];
	return k;
}

/* Whether two limited statements speak of the same thing: a content word
 * in common, in their objects or their subjects ("replies about
 * mortgages should run to ..."), that is not the counted unit or part of
 * the limit. */
static bool shares_topic(const struct tier *t, const specc_norm *a, const specc_norm *b, uint32_t need)
{
	specc_str ta[32], tb[32];
	uint32_t na = topic_words(t, a, b, ta), nb = topic_words(t, b, a, tb);

	return shared(ta, na, tb, nb) >= need;
}

/* Units written two ways, by stem: the second is how they compare. */
static const char *const units[][2] = {
	{ "kg", "kilogram" },  { "kilo", "kilogram" }, { "g", "gram" },        { "ml", "millilitr" },
	{ "milliliter", "millilitr" }, { "l", "litr" },  { "liter", "litr" },  { "km", "kilometr" },
	{ "kilomet", "kilometr" }, { "euro", "\xe2\x82\xac" }, { "eur", "\xe2\x82\xac" },
	{ "dollar", "$" },     { "usd", "$" },          { "pound", "\xc2\xa3" }, { "gbp", "\xc2\xa3" },
};

/* What a limit counts, for comparing: "time" for every unit of time, else
 * the unit as units[] spells it; *scale turns its values into that. */
static specc_str unit_dimension(specc_str unit, int64_t *scale)
{
	/* Limits in minutes and in seconds are compared. */
	*scale = norm_seconds(unit);
	if (*scale)
		return specc_str_make("time", 4);
	*scale = 1;
	for (size_t k = 0; k < sizeof units / sizeof *units; k++)
		if (eqs(unit, units[k][0]))
			return specc_str_make(units[k][1], strlen(units[k][1]));
	return unit;
}

static specc_str dimension(const specc_norm *n, int64_t *scale)
{
	return unit_dimension(n->limit_unit, scale);
}

/* Whether two ranges of one dimension, each written as a limit (kind and
 * value), have no value in common.  Limits that meet at one value are read
 * as apart, since specs write "within 24" and "more than 24", "under 18"
 * and "18 or over", for the two sides. */
static bool apart(int ka, double va, int kb, double vb)
{
	if (ka == kb)
		return ka == SPECC_LIMIT_EXACTLY && va != vb;
	if (ka == SPECC_LIMIT_EXACTLY)
		return kb == SPECC_LIMIT_AT_MOST ? va > vb : va < vb;
	if (kb == SPECC_LIMIT_EXACTLY)
		return ka == SPECC_LIMIT_AT_MOST ? vb > va : vb < va;
	return ka == SPECC_LIMIT_AT_MOST ? va <= vb : vb <= va;
}

/* Whether a's limit and b's condition's limit leave no case in common:
 * "changes requested within 24 hours of departure" against "if a change
 * is asked for more than 24 hours before departure"; "whose last visit
 * was more than three years ago" against "for a patient seen in the last
 * three years". */
static bool limit_outside_case(const specc_norm *a, const specc_norm *b)
{
	int64_t sa, sb;

	if (!a->limit || !b->cond_limit || !a->limit_unit.len || !b->cond_limit_unit.len ||
	    !eq(unit_dimension(a->limit_unit, &sa), unit_dimension(b->cond_limit_unit, &sb)))
		return false;
	return apart(a->limit, (double)a->limit_value * (double)sa, b->cond_limit,
		     (double)b->cond_limit_value * (double)sb);
}

/* Units that say nothing of what is limited ("words" of what?): any other
 * unit ("alternative flights") is part of the topic. */
static bool generic_unit(specc_str dim)
{
	static const char *const generic[] = { "time", "word", "charact", "sentenc", "paragraph", "line",
					       "item", "bullet", "point", "step", "\xe2\x82\xac", "$",
					       "\xc2\xa3", "page", "messag", "repli", NULL };
	return in_list(dim, generic);
}

/* Whether a dimension is time or a currency: counts of them with no bound
 * word are facts as often as rules. */
static bool time_or_money(specc_str dim)
{
	static const char *const kinds[] = { "time", "$", "\xc2\xa3", "\xe2\x82\xac", NULL };
	return in_list(dim, kinds);
}

/* Verbs that carry no topic of their own in a limit: "must not exceed",
 * "should be no longer than", "may weigh up to". */
static bool light_verb(specc_str action)
{
	static const char *const light[] = { "be", "exceed", "run", "last", "weigh", "take", "contain",
					      "have", "cost", "limit", "measur", "reach", "stay", NULL };
	return in_list(action, light);
}

/* A limit with the modality read into it: "must not send more than
 * £1,000" obliges at most 1,000; "may send up to £5,000" permits up to
 * 5,000. */
struct bound {
	int kind;
	bool permits;
	double value;
};

static struct bound bound_of(const specc_norm *n)
{
	int64_t scale;
	/* "Must allow up to ten attempts" gives a permission as "may". */
	struct bound b = { n->limit,
			   n->modality == SPECC_MOD_MAY ||
				   (!specc_modality_negative(n->modality) && eqs(n->action, "allow")),
			   0 };

	dimension(n, &scale);
	b.value = (double)n->limit_value * (double)scale;
	/* "Must not book five" forbids one count and bounds nothing. */
	if (specc_modality_negative(n->modality))
		b.kind = n->limit == SPECC_LIMIT_AT_MOST    ? SPECC_LIMIT_AT_LEAST
			 : n->limit == SPECC_LIMIT_AT_LEAST ? SPECC_LIMIT_AT_MOST
							    : SPECC_LIMIT_NONE;
	return b;
}

/* Whether value v is outside bound b. */
static bool outside(struct bound b, double v)
{
	return b.kind == SPECC_LIMIT_AT_MOST ? v > b.value : b.kind == SPECC_LIMIT_AT_LEAST ? v < b.value
											 : v != b.value;
}

/* Whether the limits of a and b (of one dimension) cannot both hold: an
 * obligation of at most m against one of at least l > m, or a permission
 * past what an obligation allows. */
static bool limits_clash(struct bound x, struct bound y)
{
	if ((x.permits && y.permits) || !x.kind || !y.kind)
		return false;
	if (y.permits || y.kind == SPECC_LIMIT_EXACTLY) {
		struct bound t = x;
		x = y;
		y = t;
	}
	/* A count ("a 15-minute slot", "members get five attempts"),
	 * obliged or permitted, against a bound or another count. */
	if (x.kind == SPECC_LIMIT_EXACTLY)
		return outside(y, x.value);
	if (x.permits) {
		/* y obliges; x permits. */
		if (y.kind == SPECC_LIMIT_AT_MOST)
			return x.value > y.value;
		return x.kind == SPECC_LIMIT_AT_MOST && x.value < y.value;
	}
	if (x.kind == y.kind)
		return false;
	return x.kind == SPECC_LIMIT_AT_MOST ? y.value > x.value : x.value > y.value;
}

/* The quality words of an object, as bits: bit 2k is qualities[k][0], bit
 * 2k + 1 qualities[k][1].  Read once per statement, since every pair in a
 * chain asks. */
static uint64_t quality_bits(specc_str stems)
{
	specc_str w[16];
	uint32_t n = words(stems, w, 16);
	uint64_t bits = 0;

	for (uint32_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof qualities / sizeof *qualities; k++)
			for (int side = 0; side < 2; side++)
				if (eqs(w[i], qualities[k][side]))
					bits |= (uint64_t)1 << (2 * k + (size_t)side);
	return bits;
}

/* Whether two objects ask for opposite qualities of one thing: one word
 * of a has its opposite in b, and another word is in both ("formal
 * register", "casual, chatty register"). */
static bool opposite_qualities(const specc_norm *a, uint64_t qa, const specc_norm *b, uint64_t qb)
{
	const uint64_t low = 0x5555555555555555u;
	specc_str wa[16];
	uint32_t na, nb, common = 0, paired = 0;
	specc_str wb[16];

	/* Bits of b's words that are opposites of a's. */
	if (!((((qa & low) << 1) & qb) | (((qa >> 1) & low) & qb)))
		return false;
	na = words(a->object_stems, wa, 16);
	nb = words(b->object_stems, wb, 16);
	for (uint32_t i = 0; i < na; i++) {
		uint64_t mine = quality_bits(wa[i]), opp = (((mine & low) << 1) | ((mine >> 1) & low)) & qb;
		paired += opp != 0;
		for (uint32_t j = 0; j < nb; j++)
			if (eq(wa[i], wb[j]))
				common++;
	}
	/* Two pairs ("short replies to simple questions", "long replies
	 * to complex ones") are two cases, not a conflict. */
	return paired == 1 && common >= 1;
}

/* What the comparison of two statements reads besides them: the antonyms,
 * and each statement's quality words (by index from base). */

/* Why a and b conflict: both statements quoted from their clauses, and
 * how they clash. */
static bool say_why(const struct tier *t, const specc_norm *a, const specc_norm *b, const char *how,
		    specc_buf *why)
{
	const specc_clause *ca = &t->p->clauses.items[a->clause], *cb = &t->p->clauses.items[b->clause];
	specc_buf qa = SPECC_BUF_INIT;

	/* specc_diag_quote's result lives until the next call: keep one. */
	specc_buf_addstr(&qa, specc_diag_quote(&t->p->diags, ca->text.ptr + a->start, a->end - a->start, 80));
	specc_buf_addf(why, "one says \"%s\" and the other \"%s\", %s", qa.ptr,
		       specc_diag_quote(&t->p->diags, cb->text.ptr + b->start, b->end - b->start, 80), how);
	specc_buf_release(&qa);
	return true;
}


/* Which value of each group an object names, five bits a group: 0 for
 * none, VALUES_SEVERAL for more than one ("in English or Welsh" allows
 * both), else the value's index + 1.  Read once per statement, since
 * every pair in a chain asks. */
#define VALUES_SEVERAL 31u

static uint32_t value_ids(specc_str object)
{
	/* Two words for one value: an SMS is a text. */
	static const char *const same[][2] = { { "sms", "text" }, { "e-mail", "email" } };
	specc_str w[16];
	uint32_t n = words(object, w, 16), ids = 0;

	for (uint32_t i = 0; i < n; i++)
		for (size_t k = 0; k < sizeof same / sizeof *same; k++)
			if (eqs(w[i], same[k][0]))
				w[i] = specc_str_make(same[k][1], strlen(same[k][1]));
	for (size_t g = 0; g < sizeof value_groups / sizeof *value_groups; g++) {
		uint32_t id = 0;
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t v = 0; value_groups[g][v]; v++)
				if (eqs(w[i], value_groups[g][v]) && id != v + 1)
					id = id ? VALUES_SEVERAL : v + 1;
		ids |= id << (5 * g);
	}
	return ids;
}

/* Whether value_ids() va and vb name one value each of group g, and
 * not the same one. */
static bool values_apart(uint32_t va, uint32_t vb, size_t g)
{
	uint32_t ia = (va >> (5 * g)) & 31u, ib = (vb >> (5 * g)) & 31u;

	return ia && ib && ia != VALUES_SEVERAL && ib != VALUES_SEVERAL && ia != ib;
}

/* Whether two duties ask for different values of one thing: each object
 * holds one value of a group, not the same, and the objects share a word
 * besides, or one is the value alone ("answer in Spanish"). */
static bool other_values(const struct tier *t, const specc_norm *a, uint32_t va, const specc_norm *b, uint32_t vb)
{
	for (size_t g = 0; g < sizeof value_groups / sizeof *value_groups; g++) {
		specc_str wa[16], wb[16];
		uint32_t na, nb, common = 0;

		if (!values_apart(va, vb, g))
			continue;
		na = words(a->object_stems, wa, 16);
		nb = words(b->object_stems, wb, 16);
		/* "Invoices are sent by email after check-out" and "jewellery
		 * is sent back by post after the guest has paid": "after"
		 * and the guest are no thing in common. */
		for (uint32_t i = 0; i < na; i++)
			for (uint32_t j = 0; j < nb; j++)
				common += eq(wa[i], wb[j]) && !in_list(wa[i], joins) && !everyday(t, wa[i]);
		if (common || na == 1 || nb == 1)
			return true;
	}
	return false;
}

/* Whether two objects name one value each of a group, and not the same
 * one ("by WhatsApp", "by email"). */
static bool one_value_each(uint32_t va, uint32_t vb)
{
	for (size_t g = 0; g < sizeof value_groups / sizeof *value_groups; g++)
		if (values_apart(va, vb, g))
			return true;
	return false;
}

/* Whether prohibition n forbids only a manner ("must not change the
 * address without a code") that o does not speak of, so that both can
 * hold.  A duty for a case of its own ("when a parent asks, should tell
 * them the grades") is not met by waiting for the manner ("without the
 * student's consent"); nor, when the prohibition is absolute ("...,
 * whatever other proof the patient offers"), is a permission for such a
 * case ("if the patient has lost the old account, may change it after an
 * ID check"). */
static bool manner_only(const specc_norm *n, const specc_norm *o)
{
	if (n->without <= o->without)
		return false;
	return !(o->cond && (n->absolute || o->modality != SPECC_MOD_MAY));
}

/* Whether the cases two limits in subjects name have no value in common,
 * as written: a modality does not turn a case round. */
static bool cases_apart(const specc_norm *a, const specc_norm *b)
{
	int64_t sa, sb;

	unit_dimension(a->limit_unit, &sa);
	unit_dimension(b->limit_unit, &sb);
	return apart(a->limit, (double)a->limit_value * (double)sa, b->limit, (double)b->limit_value * (double)sb);
}

/* Whether a and b put something at the start and at the end of one text:
 * "start every reply by restating the question" and "end every reply
 * with a question" both hold. */
static bool ends_of_a_text(const specc_norm *a, const specc_norm *b)
{
	static const char *const ends[] = { "start", "begin", "open", "end", "finish", "close", NULL };
	static const char *const texts[] = { "repli", "messag", "email", "letter", "text", "summari",
					     "paragraph", "sentenc", NULL };
	specc_str w[16];
	uint32_t n = words(a->core_stems, w, 16);
	bool text = false;

	for (uint32_t i = 0; i < n; i++)
		text |= in_list(w[i], texts);
	return text && in_list(a->action, ends) && in_list(b->action, ends);
}

/* Whether one allows a thing and the other forbids only part of it:
 * "may spend their points" and "points can't be spent on delivery
 * passes" is an exception, not a conflict. */
static bool narrower_ban(const struct tier *t, const specc_norm *a, const specc_norm *b)
{
	static const char *const writes[] = { "repli", "messag", "chat", "output", NULL };
	const specc_norm *may = a->modality == SPECC_MOD_MAY ? a : b, *ban = may == a ? b : a;
	specc_str wm[16], wb[16], wh[16];
	uint32_t nm, nb, nh;

	/* "Under no circumstances", "whatever the amount": the ban is
	 * written to leave no room for exceptions. */
	if (may->modality != SPECC_MOD_MAY || !specc_modality_negative(ban->modality) || ban->absolute)
		return false;
	/* The permission names the ban's head and nothing more; the ban
	 * says more after it ("on delivery passes").  Words in the head
	 * ("the account email" for "the email") are the same thing named
	 * more fully. */
	nh = words(ban->passive ? ban->subject_core : ban->core_stems, wh, 16);
	nm = words(may->object_stems, wm, 16);
	nb = words(ban->object_stems, wb, 16);
	if (!nm || shared(wm, nm, wh, nh) != nm || shared(wh, nh, wm, nm) != nh)
		return false;
	/* "In replies", "in the chat": where all the assistant writes is
	 * no part of it. */
	for (uint32_t i = 0; i < nb; i++)
		if (!shared(&wb[i], 1, wm, nm) && !everyday(t, wb[i]) && !in_list(wb[i], writes))
			return true;
	return false;
}

/* Whether a's condition names b's act as done: "unlock an account that
 * was locked for suspicious activity" comes after "lock the account". */
static bool follows(const specc_norm *a, const specc_norm *b)
{
	specc_str w[16];
	uint32_t n = words(a->condition_stems, w, 16);

	return shared(&b->action, 1, w, n) == 1;
}

/* Why a and b conflict, in one sentence, or false.  The cheap tests go
 * first: most pairs in a chain share the action and its polarity. */
static bool conflicts(const struct tier *t, const specc_norm *a, const specc_norm *b, specc_buf *why)
{
	const specc_antonyms *ant = t->ant;
	int64_t scale;
	specc_str dim = a->limit && b->limit ? dimension(a, &scale) : SPECC_STR_NULL;
	/* A bare count of time or money ("a 15-minute slot", "is five
	 * dollars") is as often a fact as a rule: only counts of a thing of
	 * their own ("five attempts") are compared. */
	bool limits = dim.len && eq(dim, dimension(b, &scale)) &&
		      !(((a->limit == SPECC_LIMIT_EXACTLY && !a->limit_lead) ||
			 (b->limit == SPECC_LIMIT_EXACTLY && !b->limit_lead)) &&
			time_or_money(dim));
	bool same = eq(a->action, b->action);

	/* Limits in the subjects say which cases each rule is about ("a
	 * student under 18", "students aged 18 or over"): cases apart are
	 * no conflict, and cases in common compare the acts. */
	if (a->limit_case && b->limit_case && (limits || eq(a->limit_unit, b->limit_unit))) {
		if (cases_apart(a, b))
			return false;
		limits = false;
	} else if (limits && (a->limit_case || b->limit_case)) {
		limits = false;
	}

	if (!limits && same && !opposite(a->modality, b->modality)) {
		/* Two duties to do one thing in opposite ways. */
		if ((!opposite_qualities(a, t->qual[a - t->base], b, t->qual[b - t->base]) &&
		     !other_values(t, a, t->vals[a - t->base], b, t->vals[b - t->base])) ||
		    specc_modality_negative(a->modality) || a->modality == SPECC_MOD_MAY ||
		    b->modality == SPECC_MOD_MAY || !same_actor(a, b) || apart_by_subject(t, a, b) ||
		    !conditions_overlap(t, a, b))
			return false;
		return say_why(t, a, b, "opposite ways of doing one thing", why);
	}
	if (!limits && !same &&
	    (opposite(a->modality, b->modality) || !specc_antonyms_are(ant, a->action, b->action)))
		return false;
	if (!same_actor(a, b) || apart_by_subject(t, a, b) || !conditions_overlap(t, a, b))
		return false;
	if (limits) {
		/* Limits on one unit in two unrelated places are no conflict:
		 * the objects must share a word besides the count. */
		uint32_t need = same || specc_antonyms_are(ant, a->action, b->action) || light_verb(a->action) ||
				light_verb(b->action) ? 1 : 2;
		/* "three alternative flights" and "five alternative flights":
		 * the unit is what they are about. */
		struct bound x = bound_of(a), y = bound_of(b);
		if (!generic_unit(dim))
			need--;
		if (!shares_topic(t, a, b, need))
			return false;
		if (limits_clash(x, y))
			return say_why(t, a, b, "limits that cannot both hold", why);
		/* The same limit ("within 48 hours" and "less than 48 hours")
		 * is part of what both act on: compare the actions. */
		if (x.kind != y.kind || x.value != y.value)
			return false;
	}
	if (!same_object(t, a, b))
		return false;
	if (eq(a->action, b->action) && opposite(a->modality, b->modality) &&
	    !(specc_modality_negative(a->modality) ? b->only : a->only) &&
	    /* "must not quote a fare without its taxes" and "must quote fares":
	     * a manner, unless both speak of it, or the rule holds
	     * "whatever other proof" and the other allows an exception */
	    (specc_modality_negative(a->modality) ? !manner_only(a, b) : !manner_only(b, a)) &&
	    /* "should not" leaves room for what "may" allows, unless it
	     * holds "under no circumstances". */
	    !(a->modality == SPECC_MOD_MAY && b->modality == SPECC_MOD_SHOULD_NOT && !b->absolute) &&
	    !(b->modality == SPECC_MOD_MAY && a->modality == SPECC_MOD_SHOULD_NOT && !a->absolute) &&
	    /* "don't send updates by WhatsApp" and "may send them by
	     * email": one value each, two acts. */
	    !one_value_each(t->vals[a - t->base], t->vals[b - t->base]) &&
	    !narrower_ban(t, a, b)) {
		bool allows = a->modality == SPECC_MOD_MAY || b->modality == SPECC_MOD_MAY;
		return say_why(t, a, b, allows ? "one allowing what the other forbids"
					       : "one requiring what the other forbids", why);
	}
	/* "Must not freeze" and "must not unfreeze" both hold by doing
	 * neither: only two duties clash. */
	if (specc_antonyms_are(ant, a->action, b->action) && !opposite(a->modality, b->modality) &&
	    a->modality != SPECC_MOD_MAY && b->modality != SPECC_MOD_MAY &&
	    !specc_modality_negative(a->modality) && !ends_of_a_text(a, b) &&
	    !follows(a, b) && !follows(b, a)) {
		return say_why(t, a, b, "opposite actions on one thing", why);
	}
	return false;
}

void specc_conflict_describe(const specc_project *p, uint32_t clause, specc_buf *b)
{
	const specc_clause *c = &p->clauses.items[clause];
	const specc_section *s = c->section != SPECC_NONE ? &p->sections.items[c->section] : NULL;

	if (c->anchor_count) {
		specc_str id = p->anchors.items[c->anchor_first].id;
		specc_buf_addf(b, "clause %.*s", (int)id.len, id.ptr);
	} else {
		specc_buf_addstr(b, "a clause");
	}
	if (s && s->id.ptr)
		specc_buf_addf(b, " (section %.*s", (int)s->id.len, s->id.ptr);
	else
		specc_buf_addstr(b, " (");
	if (s && s->authority.ptr)
		specc_buf_addf(b, ", %.*s", (int)s->authority.len, s->authority.ptr);
	if (s && s->spec < p->specs.len)
		specc_buf_addf(b, ", spec %.*s", (int)p->specs.items[s->spec].name.len,
			       p->specs.items[s->spec].name.ptr);
	specc_buf_addch(b, ')');
}

static uint32_t rank_of(const specc_project *p, uint32_t clause)
{
	uint32_t s = p->clauses.items[clause].section;
	return s == SPECC_NONE ? SPECC_NONE : p->sections.items[s].authority_rank;
}

/* overrides=#id, resolved: per section, the section it takes precedence
 * over (SPECC_NONE for none or an illegal one), and whether a conflict
 * with it was found. */
struct overrides {
	uint32_t *target;
	bool *used;
};

/* Whether section s is t or lies under it. */
static bool within(const specc_project *p, uint32_t s, uint32_t t)
{
	for (; s != SPECC_NONE; s = p->sections.items[s].parent)
		if (s == t)
			return true;
	return false;
}

/* The section that declares precedence over the other's, if either does
 * (legally): SPECC_NONE otherwise. */
static uint32_t declared(const specc_project *p, struct overrides *o, uint32_t ca, uint32_t cb)
{
	uint32_t sa = p->clauses.items[ca].section, sb = p->clauses.items[cb].section;

	if (sa == SPECC_NONE || sb == SPECC_NONE)
		return SPECC_NONE;
	if (o->target[sa] != SPECC_NONE && within(p, sb, o->target[sa])) {
		o->used[sa] = true;
		return sa;
	}
	if (o->target[sb] != SPECC_NONE && within(p, sa, o->target[sb])) {
		o->used[sb] = true;
		return sb;
	}
	return SPECC_NONE;
}

/* "section \"a\" overrides \"b\", <why>" at the attribute, with help, or
 * the general help when it is NULL. */
static void bad_override(specc_project *p, const specc_section *s, const char *why, const char *help)
{
	specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(INVALID_OVERRIDE), s->overrides_span,
				       "section \"%.*s\" overrides \"%.*s\", %s", (int)s->id.len,
				       s->id.ptr ? s->id.ptr : "", (int)s->overrides.len, s->overrides.ptr, why);
	specc_diag_help(&p->diags, d, "%s",
			help ? help
			     : "overrides=#id declares that this section's clauses take precedence over the "
			       "conflicting clauses of section id, at the same level or below");
}

/* The section that section i's overrides= names, or SPECC_NONE with why
 * it cannot hold (NULL when i declares nothing). */
static uint32_t override_target(const specc_project *p, uint32_t i, const char **why)
{
	const specc_section *s = &p->sections.items[i];
	uint32_t t;

	*why = NULL;
	if (!s->overrides.ptr)
		return SPECC_NONE;
	t = specc_map_get(&p->section_ids, s->overrides);
	if (t == SPECC_NONE)
		*why = "which is no section of the project";
	else if (t == i || within(p, i, t))
		*why = "itself or a section it is part of";
	else if (s->authority_rank != SPECC_NONE && p->sections.items[t].authority_rank != SPECC_NONE &&
		 s->authority_rank > p->sections.items[t].authority_rank)
		*why = "which has higher authority; a lower level can never override a higher one";
	return *why ? SPECC_NONE : t;
}

/* Resolves every overrides=; with say, reports the ones that cannot hold. */
static void overrides_init(specc_project *p, struct overrides *o, bool say)
{
	o->target = specc_xcalloc(p->sections.len ? p->sections.len : 1, sizeof *o->target);
	o->used = specc_xcalloc(p->sections.len ? p->sections.len : 1, sizeof *o->used);
	for (uint32_t i = 0; i < p->sections.len; i++) {
		const char *why;

		o->target[i] = override_target(p, i, &why);
		if (why && say)
			bad_override(p, &p->sections.items[i], why, NULL);
	}
}

/* An override that met no conflict declares nothing: an error, since it
 * hides what the author believes about the two sections.  Not when the
 * pairing stopped at its budget, nor when a later tier may yet find the
 * conflict (specc check --deep: specc_conflict_override_unjustified()). */
static void overrides_finish(specc_project *p, struct overrides *o, bool judge)
{
	for (uint32_t i = 0; judge && i < p->sections.len; i++) {
		if (o->target[i] == SPECC_NONE || o->used[i])
			continue;
		bad_override(p, &p->sections.items[i], "but no clause of the two conflicts", NULL);
	}
	free(o->target);
	free(o->used);
}

void specc_conflict_override_targets(const specc_project *p, uint32_t *target)
{
	const char *why;

	for (uint32_t i = 0; i < p->sections.len; i++)
		target[i] = override_target(p, i, &why);
}

void specc_conflict_override_unjustified(specc_project *p, uint32_t section, const char *why,
					 const char *help)
{
	bad_override(p, &p->sections.items[section], why ? why : "but no clause of the two conflicts", help);
}

/* Reports a conflict between clauses ca and cb, resolved as the chain of
 * command and any overrides= say: a diagnostic at both clauses, each
 * naming the other. */
static void report(specc_project *p, struct overrides *o, uint32_t ca, uint32_t cb, const char *why)
{
	uint32_t ra = rank_of(p, ca), rb = rank_of(p, cb);
	uint32_t by = declared(p, o, ca, cb);
	specc_buf da = SPECC_BUF_INIT, db = SPECC_BUF_INIT;
	specc_span sa = p->clauses.items[ca].span, sb = p->clauses.items[cb].span;
	specc_diag *d;

	specc_conflict_describe(p, ca, &da);
	specc_conflict_describe(p, cb, &db);
	if (by != SPECC_NONE) {
		/* Declared precedence: the declaring section's clause wins. */
		bool a_wins = by == p->clauses.items[ca].section;
		const specc_section *s = &p->sections.items[by];
		d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_OVERRIDDEN), a_wins ? sb : sa,
				   "%s is overridden by %s, as section %.*s declares: %s", a_wins ? db.ptr : da.ptr,
				   a_wins ? da.ptr : db.ptr, (int)s->id.len, s->id.ptr, why);
		specc_diag_related(&p->diags, d, s->overrides_span, "declared here");
		d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_OVERRIDDEN), a_wins ? sa : sb,
				   "%s overrides %s, as section %.*s declares: %s", a_wins ? da.ptr : db.ptr,
				   a_wins ? db.ptr : da.ptr, (int)s->id.len, s->id.ptr, why);
		specc_diag_related(&p->diags, d, a_wins ? sb : sa, "the overridden clause");
	} else if (ra != rb && ra != SPECC_NONE && rb != SPECC_NONE) {
		/* The higher level wins; the lower clause hears of it. */
		bool a_wins = ra < rb;
		d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_OVERRIDDEN), a_wins ? sb : sa,
				   "%s is overridden by %s: %s", a_wins ? db.ptr : da.ptr,
				   a_wins ? da.ptr : db.ptr, why);
		specc_diag_related(&p->diags, d, a_wins ? sa : sb, "the higher clause");
		specc_diag_help(&p->diags, d, "the chain of command resolves it; if this clause is meant "
					      "as an exception, say so with a condition the other allows");
		/* The higher clause hears of it too: its author may not know
		 * a lower level says otherwise. */
		d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_OVERRIDDEN), a_wins ? sa : sb,
				   "%s overrides %s: %s", a_wins ? da.ptr : db.ptr, a_wins ? db.ptr : da.ptr, why);
		specc_diag_related(&p->diags, d, a_wins ? sb : sa, "the overridden clause");
	} else {
		d = specc_diag_add(&p->diags, SPECC_CODE(CLAUSE_CONFLICT), sa, "%s conflicts with %s: %s",
				   da.ptr, db.ptr, why);
		specc_diag_related(&p->diags, d, sb, "the other clause");
		specc_diag_help(&p->diags, d, "clauses at one level must agree: reword one, add the "
					      "condition under which each holds, or move one to another level");
		d = specc_diag_add(&p->diags, SPECC_CODE(CLAUSE_CONFLICT), sb, "%s conflicts with %s: %s",
				   db.ptr, da.ptr, why);
		specc_diag_related(&p->diags, d, sa, "the other clause");
	}
	specc_buf_release(&da);
	specc_buf_release(&db);
}

/* Appends i to the chain of key: candidates are the members of one chain,
 * in project order.  next[i] must be SPECC_NONE already. */
static void chain_add(specc_map *index, specc_str key, uint32_t i, uint32_t *head, uint32_t *tail,
		      uint32_t *next, uint32_t *groups)
{
	uint32_t g = specc_map_get(index, key);

	if (g == SPECC_NONE) {
		g = (*groups)++;
		specc_map_put(index, key, g, NULL);
		head[g] = i;
	} else {
		next[tail[g]] = i;
	}
	tail[g] = i;
}

/* ------------------------------------------------------------------ */
/* Eval items that contradict: one prompt, refused under one clause and
 * answered under another. */

enum { EXPECT_UNKNOWN, EXPECT_REFUSE, EXPECT_ANSWER };

/* Whether an answer opens as a refusal. */
static bool refuses(specc_str answer)
{
	static const char *const openings[] = {
		"i can't", "i cannot", "i can\xe2\x80\x99t", "i won't", "i won\xe2\x80\x99t", "i'm not able",
		"i\xe2\x80\x99m not able", "i am not able", "i'm unable", "i\xe2\x80\x99m unable", "i am unable",
		"i must decline", "sorry, i can't", "sorry, i can\xe2\x80\x99t", "i'm sorry, but i can't",
		"i\xe2\x80\x99m sorry, but i can\xe2\x80\x99t", "i'm sorry, i can't",
		"i\xe2\x80\x99m sorry, i can\xe2\x80\x99t", "i'm not going to", "i\xe2\x80\x99m not going to",
		"i will not", "i won't be able", NULL,
	};
	size_t i = 0;

	while (i < answer.len && (answer.ptr[i] == ' ' || answer.ptr[i] == '\n' || answer.ptr[i] == '"'))
		i++;
	for (int k = 0; openings[k]; k++) {
		size_t n = strlen(openings[k]), j;
		if (answer.len - i < n)
			continue;
		for (j = 0; j < n; j++) {
			char c = answer.ptr[i + j];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != openings[k][j])
				break;
		}
		if (j == n)
			return true;
	}
	return false;
}

/* What an item expects of the answer: its first comparison's GOOD answer
 * refuses or not; else a rubric that starts "Declines" or "Refuses". */
static int item_expects(const specc_project *p, const specc_example *it, specc_str *prompt)
{
	int expect = EXPECT_UNKNOWN;

	*prompt = SPECC_STR_NULL;
	for (uint32_t t = 0; t < it->conv.turn_count; t++) {
		const specc_turn *tu = &p->turns.items[it->conv.turn_first + t];
		if (tu->comparison == SPECC_NONE && tu->role == SPECC_ROLE_USER)
			*prompt = tu->content;
		if (tu->comparison == 0 && tu->label == SPECC_LABEL_GOOD && expect == EXPECT_UNKNOWN)
			expect = refuses(tu->content) ? EXPECT_REFUSE : EXPECT_ANSWER;
	}
	if (expect == EXPECT_UNKNOWN && it->expect.ptr) {
		const char *r = it->expect.ptr, *e = r + it->expect.len;
		while ((r = memchr(r, 'r', (size_t)(e - r))) != NULL && e - r > 9) {
			if (!strncmp(r, "rubric:", 7)) {
				const char *v = r + 7;
				while (v < e && (*v == ' ' || *v == '"' || *v == '\''))
					v++;
				if (e - v >= 7 && (!strncmp(v, "Declin", 6) || !strncmp(v, "Refus", 5)))
					expect = EXPECT_REFUSE;
				break;
			}
			r++;
		}
	}
	return prompt->len ? expect : EXPECT_UNKNOWN;
}

/* The prompt with case and runs of spaces folded, for matching. */
static specc_str normal_prompt(specc_arena *arena, specc_str s)
{
	char *out = specc_arena_alloc(arena, s.len + 1);
	size_t n = 0;
	bool space = true;

	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			if (!space)
				out[n++] = ' ';
			space = true;
			continue;
		}
		out[n++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		space = false;
	}
	while (n && out[n - 1] == ' ')
		n--;
	return specc_str_make(out, n);
}

static void where(const specc_project *p, const specc_example *it, specc_buf *b)
{
	specc_pos pos;
	const specc_source *src = &p->sources.items[it->span.file];
	specc_source_pos(src, it->span.start, &pos);
	specc_buf_addf(b, "%s:%u", src->path, pos.line);
}

/* Example i of check_items: eval items first, then the spec's inline
 * examples. */
static const specc_example *example_at(const specc_project *p, uint32_t i)
{
	return i < p->items.len ? &p->items.items[i] : &p->examples.items[i - p->items.len];
}

/*
 * The clause an inline example illustrates, for each example, into
 * clause[items.len + e]: the last clause of its section before it (a
 * section states its rule, then shows it), else the section's first.
 */
static void example_clauses(const specc_project *p, uint32_t *clause)
{
	uint32_t ns = p->sections.len, *start, *fill, *list;

	if (!ns || !p->examples.len)
		return;
	/* The clauses of each section, in order: list[start[s] .. start[s + 1]). */
	start = specc_xcalloc(ns + 1, sizeof *start);
	fill = specc_xcalloc(ns, sizeof *fill);
	list = specc_xcalloc(p->clauses.len ? p->clauses.len : 1, sizeof *list);
	for (uint32_t c = 0; c < p->clauses.len; c++)
		if (p->clauses.items[c].section < ns)
			start[p->clauses.items[c].section + 1]++;
	for (uint32_t s = 0; s < ns; s++)
		start[s + 1] += start[s];
	for (uint32_t c = 0; c < p->clauses.len; c++) {
		uint32_t s = p->clauses.items[c].section;
		if (s < ns)
			list[start[s] + fill[s]++] = c;
	}
	for (uint32_t e = 0; e < p->examples.len; e++) {
		const specc_example *ex = &p->examples.items[e];
		uint32_t s = ex->section, lo, hi;
		if (s >= ns || start[s] == start[s + 1])
			continue;
		/* The last clause that starts before the example. */
		lo = start[s];
		hi = start[s + 1];
		while (hi - lo > 1) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (p->clauses.items[list[mid]].span.start < ex->span.start)
				lo = mid;
			else
				hi = mid;
		}
		clause[p->items.len + e] = list[lo];
	}
	free(start);
	free(fill);
	free(list);
}

static void check_items(specc_project *p, struct overrides *o, uint64_t *compared, uint64_t *found,
			bool *stopped)
{
	uint32_t n = p->items.len + p->examples.len, groups = 0;
	uint32_t *clause, *next, *head, *tail;
	uint8_t *expect;
	specc_map index = { 0 };
	specc_arena arena;

	if (n < 2)
		return;
	specc_arena_init(&arena);
	clause = specc_xcalloc(n, sizeof *clause);
	next = specc_xcalloc(n, sizeof *next);
	head = specc_xcalloc(n, sizeof *head);
	tail = specc_xcalloc(n, sizeof *tail);
	expect = specc_xcalloc(n, 1);
	for (uint32_t i = 0; i < n; i++)
		clause[i] = SPECC_NONE;
	for (uint32_t e = 0; e < p->eval_files.len; e++) {
		const specc_eval_file *ef = &p->eval_files.items[e];
		uint32_t c = ef->anchor == SPECC_NONE ? SPECC_NONE : p->anchors.items[ef->anchor].clause;
		for (uint32_t k = 0; k < ef->item_count && ef->item_first + k < p->items.len; k++)
			clause[ef->item_first + k] = c;
	}
	example_clauses(p, clause);
	for (uint32_t i = 0; i < n; i++) {
		specc_str prompt, key;
		next[i] = SPECC_NONE;
		expect[i] = (uint8_t)item_expects(p, example_at(p, i), &prompt);
		if (expect[i] == EXPECT_UNKNOWN || clause[i] == SPECC_NONE)
			continue;
		key = normal_prompt(&arena, prompt);
		chain_add(&index, key, i, head, tail, next, &groups);
	}
	for (uint32_t g = 0; g < groups && !*stopped; g++)
		for (uint32_t i = head[g]; i != SPECC_NONE && !*stopped; i = next[i])
			for (uint32_t j = next[i]; j != SPECC_NONE; j = next[j]) {
				specc_buf why = SPECC_BUF_INIT, wi = SPECC_BUF_INIT, wj = SPECC_BUF_INIT;
				const specc_example *a = example_at(p, i), *b = example_at(p, j);
				specc_str prompt;
				if (++*compared > PAIR_BUDGET) {
					*stopped = true;
					break;
				}
				if (clause[i] == clause[j] || expect[i] == expect[j])
					continue;
				item_expects(p, a, &prompt);
				where(p, expect[i] == EXPECT_REFUSE ? a : b, &wi);
				where(p, expect[i] == EXPECT_REFUSE ? b : a, &wj);
				specc_buf_addf(&why, "the same prompt (\"%s\") is expected to be refused under one "
						     "(%s) and answered under the other (%s)",
					       specc_diag_quote(&p->diags, prompt.ptr, prompt.len, 60), wi.ptr,
					       wj.ptr);
				if (++*found <= MAX_LISTED)
					report(p, o, clause[i], clause[j], why.ptr);
				specc_buf_release(&why);
				specc_buf_release(&wi);
				specc_buf_release(&wj);
			}
	specc_map_release(&index);
	specc_arena_release(&arena);
	free(clause);
	free(next);
	free(head);
	free(tail);
	free(expect);
}

/* Compares one candidate pair within the budget, and reports it when it
 * conflicts (up to MAX_LISTED).  Returns false once the budget is spent. */
static bool consider(specc_project *p, struct overrides *o, const struct tier *t,
		     const specc_norm *a, const specc_norm *b, uint64_t *compared, uint64_t *found,
		     specc_buf *why)
{
	if (++*compared > PAIR_BUDGET)
		return false;
	if (a->clause == b->clause)
		return true;
	specc_buf_reset(why);
	if (conflicts(t, a, b, why) && ++*found <= MAX_LISTED)
		report(p, o, a->clause, b->clause, why->ptr);
	return true;
}

/* Where a project-wide note goes: the first clause, or the first file. */
static specc_span first_span(const specc_project *p)
{
	if (p->clauses.len)
		return p->clauses.items[0].span;
	return specc_span_make(0, 0, 0);
}

/* Statements in chains by a key: the members of one chain are compared
 * with each other, in project order. */
struct chains {
	specc_map index;          /* key -> chain */
	uint32_t *next;           /* statement -> the next in its chain, or SPECC_NONE */
	uint32_t *head, *tail, count;
};

static void chains_init(struct chains *c, uint32_t n)
{
	memset(&c->index, 0, sizeof c->index);
	c->next = specc_xcalloc(n ? n : 1, sizeof *c->next);
	c->head = specc_xcalloc(n ? n : 1, sizeof *c->head);
	c->tail = specc_xcalloc(n ? n : 1, sizeof *c->tail);
	c->count = 0;
	for (uint32_t i = 0; i < n; i++)
		c->next[i] = SPECC_NONE;
}

static void chains_release(struct chains *c)
{
	specc_map_release(&c->index);
	free(c->next);
	free(c->head);
	free(c->tail);
}

void specc_check_conflicts(specc_project *p, bool defer, bool *complete)
{
	struct overrides o;
	specc_antonyms ant;
	specc_norms ns;
	/* By action (every statement), and by what a limit counts (limited
	 * ones): limits on one thing conflict whatever the verb. */
	struct chains acts = { 0 }, dims = { 0 };
	uint64_t compared = 0, found = 0, *qual = NULL;
	uint32_t *vals = NULL, *para = NULL;
	bool stopped = false;
	specc_buf why = SPECC_BUF_INIT;
	struct tier t;

	overrides_init(p, &o, true);
	specc_antonyms_init(&ant);
	specc_norms_extract(&ns, p);
	chains_init(&acts, ns.items.len);
	chains_init(&dims, ns.items.len);
	if (ns.items.len < 2)
		goto items;
	specc_antonyms_release(&ant);
	antonyms_load(&ant);
	qual = specc_xcalloc(ns.items.len, sizeof *qual);
	vals = specc_xcalloc(ns.items.len, sizeof *vals);
	for (uint32_t i = 0; i < ns.items.len; i++) {
		const specc_norm *n = &ns.items.items[i];
		int64_t scale;
		qual[i] = quality_bits(n->object_stems);
		vals[i] = value_ids(n->object);
		chain_add(&acts.index, n->action, i, acts.head, acts.tail, acts.next, &acts.count);
		if (n->limit && n->limit_unit.len)
			chain_add(&dims.index, dimension(n, &scale), i, dims.head, dims.tail, dims.next,
				  &dims.count);
	}
	para = paragraphs(p);
	t = (struct tier){ p, &ant, ns.items.items, qual, vals, &ns, para };
	for (uint32_t i = 0; i < ns.items.len && !stopped; i++) {
		const specc_norm *a = &ns.items.items[i];
		/* Same action, later in the chain. */
		for (uint32_t j = acts.next[i]; j != SPECC_NONE && !stopped; j = acts.next[j])
			stopped = !consider(p, &o, &t, a, &ns.items.items[j], &compared, &found, &why);
		/* Limits on one thing with other actions (the same action's
		 * pairs are compared above, antonyms' below). */
		for (uint32_t j = a->limit ? dims.next[i] : SPECC_NONE; j != SPECC_NONE && !stopped;
		     j = dims.next[j])
			if (!eq(a->action, ns.items.items[j].action) &&
			    !specc_antonyms_are(&ant, a->action, ns.items.items[j].action))
				stopped = !consider(p, &o, &t, a, &ns.items.items[j], &compared, &found, &why);
		/* Antonymous actions; each pair once, from its earlier statement. */
		for (uint32_t e = specc_antonyms_first(&ant, a->action); e != SPECC_NONE && !stopped;
		     e = ant.edges.items[e].next) {
			uint32_t g = specc_map_get(&acts.index, ant.edges.items[e].word);
			for (uint32_t j = g == SPECC_NONE ? SPECC_NONE : acts.head[g]; j != SPECC_NONE && !stopped;
			     j = acts.next[j])
				if (j > i)
					stopped = !consider(p, &o, &t, a, &ns.items.items[j], &compared, &found,
							    &why);
		}
	}
items:
	check_items(p, &o, &compared, &found, &stopped);
	if (found > MAX_LISTED) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_PAIRING_LIMIT),
					       first_span(p),
					       "%llu more conflicts were found and not listed; the first %u are above",
					       (unsigned long long)(found - MAX_LISTED), MAX_LISTED);
		specc_diag_help(&p->diags, d, "so many conflicts usually come from near-duplicate clauses; "
					      "merge them, then check again");
	}
	if (stopped) {
		specc_diag *d = specc_diag_add(&p->diags, SPECC_CODE(CONFLICT_PAIRING_LIMIT),
					       first_span(p),
					       "conflict detection compared %u pairs of statements and stopped "
					       "there; clauses later in the project were not all compared",
					       PAIR_BUDGET);
		specc_diag_help(&p->diags, d, "many clauses share one action; this usually means "
					      "near-duplicate text, which is worth merging");
	}
	if (complete)
		*complete = !stopped;
	overrides_finish(p, &o, !stopped && !defer);
	specc_antonyms_release(&ant);
	chains_release(&acts);
	chains_release(&dims);
	free(qual);
	free(vals);
	free(para);
	specc_buf_release(&why);
	specc_norms_release(&ns);
}

void specc_conflict_report(specc_project *p, uint32_t ca, uint32_t cb, const char *why)
{
	struct overrides o;

	/* specc_check_conflicts() has reported the illegal overrides already. */
	overrides_init(p, &o, false);
	report(p, &o, ca, cb, why);
	free(o.target);
	free(o.used);
}
