/*
 * test-deep.c - the pure parts of `specc check --deep`: which pairs of
 * clauses are candidates and in what order, the request document and its
 * key, reading the grader's verdict, and how judgements are reported.
 *
 * The model itself is tested over HTTP in tests/eval/test_deep.py.
 */
#include <jansson.h>

#include "testutil.h"
#include "specc/deep.h"
#include "specc/grade.h"

/* ---- helpers -------------------------------------------------------------- */

/* Parses text as the one spec of p, resolves and checks it (so the
 * lexical tier's findings are in p->diags), then finds the candidates. */
static void candidates(specc_project *p, const char *text, uint32_t max, specc_deep_candidates *c)
{
	spec(p, text);
	specc_project_resolve(p);
	specc_check(p);
	specc_deep_candidates_find(p, max, c);
}

/* The anchor ID of clause i, for readable comparisons. */
static const char *anchor(const specc_project *p, uint32_t i)
{
	static char buf[4][32];
	static int next;
	const specc_clause *c = &p->clauses.items[i];
	char *b = buf[next++ % 4];

	if (!c->anchor_count)
		return "?";
	snprintf(b, sizeof buf[0], "%.*s", (int)p->anchors.items[c->anchor_first].id.len,
		 p->anchors.items[c->anchor_first].id.ptr);
	return b;
}

/* The pairs as "a-b,c-d" by anchor. */
static void check_pairs(const specc_project *p, const specc_deep_candidates *c, const char *want,
			const char *file, int line)
{
	specc_buf b = SPECC_BUF_INIT;
	static char got[4096];

	for (uint32_t i = 0; i < c->pairs.len; i++)
		specc_buf_addf(&b, "%s%s-%s", i ? "," : "", anchor(p, c->pairs.items[i].a),
			       anchor(p, c->pairs.items[i].b));
	snprintf(got, sizeof got, "%s", b.ptr);
	specc_buf_release(&b);
	_assert_string_equal(got, want, file, line);
}

#define PAIRS(p, c, want) check_pairs((p), (c), (want), __FILE__, __LINE__)

static const specc_diag *find_code(const specc_project *p, const char *code, uint32_t nth)
{
	for (uint32_t i = 0; i < p->diags.len; i++)
		if (!strcmp(p->diags.items[i].code->id, code) && nth-- == 0)
			return &p->diags.items[i];
	return NULL;
}

static void check_has(const char *s, const char *want, const char *file, int line)
{
	if (!s || !strstr(s, want)) {
		print_error("\"%s\" does not contain \"%s\"\n", s ? s : "(null)", want);
		_fail(file, line);
	}
}

#define HAS(s, want) check_has((s), (want), __FILE__, __LINE__)

/* ---- candidates ----------------------------------------------------------- */

static const char three[] =
	"# Bank {#bank}\n\n"
	"## Cards {#cards authority=user}\n\n"
	"The assistant should show the card expiry date in replies about replacement cards[^c1].\n\n"
	"## Replacements {#replacements authority=user}\n\n"
	"Replies about replacement cards skip the expiry date[^c2].\n\n"
	"## Weather {#weather authority=user}\n\n"
	"Forecasts come from the national service[^c3].\n\n"
	"## Greeting {#greeting authority=user}\n\n"
	"Greet members warmly, and mention the replacement service once[^c4].\n";

/* Pairs share two content stems at least; the best share most. */
static void ranked_by_what_they_share(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p, three, 50, &c);
	/* c1-c2 share card, expiri, date, repli, replac; c3 shares nothing;
	 * c4 shares only "replac" with each: one word is no topic. */
	PAIRS(p, &c, "c1-c2");
	assert_int_equal(c.pairs.items[0].shared, 5);
	assert_true(c.pairs.items[0].score > 0);
	assert_int_equal(c.sharing, 1);
	assert_int_equal(c.decided, 0);
	assert_false(c.budget_reached);
	specc_deep_candidates_release(&c);
}

/* Stopwords and modal words pair nothing: "must", "the", "assistant". */
static void stopwords_pair_nothing(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p,
		   "# S {#s}\n\n"
		   "## A {#a}\n\nThe assistant must always be there for them[^d1].\n\n"
		   "## B {#b}\n\nThe assistant must never be there without them[^d2].\n",
		   50, &c);
	PAIRS(p, &c, "");
	specc_deep_candidates_release(&c);
}

/* Best first, ties by clause order, and only the top N. */
static void order_and_cut(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;
	static const char text[] =
		"# S {#s}\n\n"
		"## A {#a}\n\nRefund requests for flights go to the travel desk[^e1].\n\n"
		"## B {#b}\n\nRefund requests for flights are answered in the chat[^e2].\n\n"
		"## C {#c}\n\nRefund requests for hotels and flights wait for a supervisor[^e3].\n\n"
		"## D {#d}\n\nParking permits and parking fines are handled by the council office[^e4].\n\n"
		"## E {#e}\n\nParking permits and parking fines are never discussed in the chat[^e5].\n";

	candidates(p, text, 50, &c);
	/* e4-e5 share parking, permit, fine (rarer than refund, request,
	 * flight, which three clauses have); e1, e2, e3 share refund, request,
	 * flight, each pair alike, so clause order decides; e2-e5 share only
	 * "chat". */
	PAIRS(p, &c, "e4-e5,e1-e2,e1-e3,e2-e3");
	assert_true(c.pairs.items[0].score > c.pairs.items[1].score);
	assert_true(c.pairs.items[1].score == c.pairs.items[2].score);
	specc_deep_candidates_release(&c);

	specc_project_release(p);
	specc_project_init(p);
	candidates(p, text, 2, &c);
	PAIRS(p, &c, "e4-e5,e1-e2");
	assert_int_equal(c.sharing, 4);
	specc_deep_candidates_release(&c);
}

/* Pairs the lexical tier reported are not asked again, and counted. */
static void lexical_pairs_left_out(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p,
		   "# S {#s}\n\n"
		   "## A {#a authority=user}\n\nThe assistant must share the member's appointment records[^f1].\n\n"
		   "## B {#b authority=user}\n\nThe assistant must not share the member's appointment records[^f2].\n\n"
		   "## C {#c authority=root}\n\nAppointment records are kept for the member's own use[^f3].\n",
		   50, &c);
	assert_non_null(find_code(p, "clause-conflict", 0));
	PAIRS(p, &c, "f1-f3,f2-f3");
	assert_int_equal(c.decided, 1);
	assert_int_equal(c.sharing, 3);
	specc_deep_candidates_release(&c);
}

/* The same sentence twice agrees with itself, and punctuation ends words,
 * typographic too: "member\u2019s" is "member", "\u201cpoints\u201d" is
 * "points", and the pieces of a character are never a word. */
static void duplicates_and_punctuation(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p,
		   "# S {#s}\n\n"
		   "## A {#a}\n\nKeep the member\xe2\x80\x99s loyalty \xe2\x80\x9cpoints\xe2\x80\x9d for a year[^g1].\n\n"
		   "## B {#b}\n\nKeep the member\xe2\x80\x99s loyalty \xe2\x80\x9cpoints\xe2\x80\x9d for a year[^g2].\n\n"
		   "## C {#c}\n\nShow a member's loyalty points\xe2\x80\x94" "and balance\xc2\xa0on request[^g3].\n\n"
		   "## D {#d}\n\nWe\xe2\x80\x99re \xe2\x80\x9chere\xe2\x80\x9d for you\xe2\x80\x94" "day\xc2\xa0" "and night[^g4].\n\n"
		   "## E {#e}\n\nThey\xe2\x80\x99re \xe2\x80\x9cthere\xe2\x80\x9d\xe2\x80\x94night\xc2\xa0or weekend[^g5].\n",
		   50, &c);
	/* g4 and g5 share "night" and nothing made of a quote's bytes. */
	PAIRS(p, &c, "g1-g3,g2-g3");
	assert_int_equal(c.pairs.items[0].shared, 3);
	specc_deep_candidates_release(&c);
}

/* Fewer than two clauses, or no room: nothing, and nothing reported. */
static void nothing_to_pair(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p, "# S {#s}\n\nOnly one clause here[^h1].\n", 50, &c);
	PAIRS(p, &c, "");
	specc_deep_candidates_release(&c);
	specc_deep_candidates_find(p, 0, &c);
	PAIRS(p, &c, "");
	specc_deep_candidates_release(&c);
}

/* The clauses of a project of n: two that share one word no other clause
 * has, three that share another, and fillers whose shared words are in
 * every filler, too common to count. */
static void rare_word_project(specc_buf *text, int n)
{
	specc_buf_addstr(text, "# S {#s}\n\n"
			       "Never joke about a diagnosis[^j1].\n\n"
			       "The assistant may answer a patient's joke with a light one[^j2].\n\n"
			       "Forecasts come from the national service[^s1].\n\n"
			       "Greet members warmly and mention the replacement service once[^s2].\n\n"
			       "Opening hours of the service are posted weekly[^s3].\n\n");
	/* Fillers: "rules cover" and a word of their own ("zqab"). */
	for (int i = 0; i < n - 5; i++)
		specc_buf_addf(text, "Rules cover zq%c%c[^f%d].\n\n", 'a' + i / 26, 'a' + i % 26, i);
}

/* One word in common pairs two clauses when no other clause of a large
 * enough project has it; in a small project, or shared by three, it does
 * not. */
static void a_word_only_two_share(void **state)
{
	specc_project *p = *state;
	specc_buf text = SPECC_BUF_INIT;
	specc_deep_candidates c;

	rare_word_project(&text, 40);
	candidates(p, text.ptr, 50, &c);
	PAIRS(p, &c, "j1-j2");
	assert_int_equal(c.pairs.items[0].shared, 1);
	specc_deep_candidates_release(&c);
	specc_buf_release(&text);
}

static void a_word_only_two_share_small(void **state)
{
	specc_project *p = *state;
	specc_buf text = SPECC_BUF_INIT;
	specc_deep_candidates c;

	rare_word_project(&text, 39);
	candidates(p, text.ptr, 50, &c);
	PAIRS(p, &c, "");
	specc_deep_candidates_release(&c);
	specc_buf_release(&text);
}

/* Near-duplicates by the thousand: the search spends at most its budget,
 * an equal share a clause, says so in a note, and still ranks what it
 * found. */
static void budget(void **state)
{
	specc_project *p = *state;
	specc_buf text = SPECC_BUF_INIT;
	specc_deep_candidates c;

	specc_buf_addstr(&text, "# S {#s}\n\n");
	/* 8 topics of 1000 clauses: each topic's words are in an eighth of
	 * the clauses, common enough to pair half a million times each, not
	 * so common that they are left out. */
	for (int i = 0; i < 8000; i++)
		specc_buf_addf(&text, "Topic%c items%c number %d are filed[^k%d].\n\n", 'a' + i % 8, 'a' + i % 8, i, i);
	spec(p, text.ptr);
	specc_project_resolve(p);
	specc_deep_candidates_find(p, 10, &c);
	assert_true(c.budget_reached);
	/* Each clause still meets the clauses of its topic that follow it
	 * most closely, on both stems. */
	assert_int_equal(c.pairs.len, 10);
	for (uint32_t i = 0; i < c.pairs.len; i++) {
		assert_int_equal(c.pairs.items[i].shared, 2);
		assert_int_equal(c.pairs.items[i].a % 8, c.pairs.items[i].b % 8);
	}
	assert_true(c.sharing > 10000);
	assert_non_null(find_code(p, "conflict-pairing-limit", 0));
	HAS(find_code(p, "conflict-pairing-limit", 0)->message,
	    "reached its budget of 1000000 pairs of clauses (125 a clause)");
	specc_deep_candidates_release(&c);
	specc_buf_release(&text);
}

/* ---- the request ---------------------------------------------------------- */

/* (a, b) and (b, a) make one document; it holds the chain of command and
 * each clause's text, spec and section. */
static void document_is_canonical(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;
	specc_buf ab = SPECC_BUF_INIT, ba = SPECC_BUF_INIT;
	json_t *doc, *cl;
	char k1[65], k2[65], k3[65];

	candidates(p, three, 50, &c);
	specc_deep_document(p, 0, 1, &ab);
	specc_deep_document(p, 1, 0, &ba);
	assert_string_equal(ab.ptr, ba.ptr);
	doc = json_loads(ab.ptr, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "chain_of_command"), 0)), "root");
	cl = json_object_get(doc, "clauses");
	assert_int_equal(json_array_size(cl), 2);
	/* Ordered by their JSON: "Replies ..." before "The assistant ...". */
	assert_string_equal(json_string_value(json_object_get(json_array_get(cl, 0), "text")),
			    "Replies about replacement cards skip the expiry date.");
	assert_string_equal(json_string_value(json_object_get(json_array_get(cl, 1), "spec")), "spec");
	json_t *sec = json_object_get(json_array_get(cl, 1), "section");
	assert_string_equal(json_string_value(json_object_get(sec, "id")), "cards");
	assert_string_equal(json_string_value(json_object_get(sec, "authority")), "user");
	HAS(json_string_value(json_object_get(sec, "text")), "## Cards {#cards authority=user}");
	json_decref(doc);

	/* The key follows the fingerprint and the document. */
	specc_deep_key("f1", ab.ptr, k1);
	specc_deep_key("f1", ba.ptr, k2);
	specc_deep_key("f2", ab.ptr, k3);
	assert_string_equal(k1, k2);
	assert_string_not_equal(k1, k3);
	assert_int_equal(strlen(k1), 64);

	json_t *msgs = specc_deep_messages(ab.ptr);
	assert_int_equal(json_array_size(msgs), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "content")),
			    specc_deep_template);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 1), "content")), ab.ptr);
	json_decref(msgs);
	specc_buf_release(&ab);
	specc_buf_release(&ba);
	specc_deep_candidates_release(&c);
}

/* A long section goes in cut at 4 KiB. */
static void section_text_is_bounded(void **state)
{
	specc_project *p = *state;
	specc_buf text = SPECC_BUF_INIT, doc = SPECC_BUF_INIT;
	json_t *j;
	const char *t;

	specc_buf_addstr(&text, "# S {#s}\n\n## Long {#long}\n\nKeep card numbers hidden in replies[^i1].\n\n");
	for (int i = 0; i < 200; i++)
		specc_buf_addstr(&text, "Filler sentence that says nothing in particular at all. ");
	specc_buf_addstr(&text, "\n\n## Short {#short}\n\nShow card numbers in replies on request[^i2].\n");
	spec(p, text.ptr);
	specc_project_resolve(p);
	specc_deep_document(p, 0, 1, &doc);
	j = json_loads(doc.ptr, 0, NULL);
	assert_non_null(j);
	for (size_t k = 0; k < 2; k++) {
		json_t *sec = json_object_get(json_array_get(json_object_get(j, "clauses"), k), "section");
		if (strcmp(json_string_value(json_object_get(sec, "id")), "long"))
			continue;
		t = json_string_value(json_object_get(sec, "text"));
		assert_true(strlen(t) <= (4u << 10) + 16);
		HAS(t, "[... cut]");
	}
	json_decref(j);
	specc_buf_release(&text);
	specc_buf_release(&doc);
}

/* The response format is valid JSON asking for exactly the verdict, and
 * asking for it changes the fingerprint. */
static void response_format_and_fingerprint(void **state)
{
	specc_provider pv = { 0 };
	char f1[65], f2[65], g[65];
	json_t *rf = json_loads(specc_deep_response_format(), 0, NULL);

	(void)state;
	assert_non_null(rf);
	json_t *schema = json_object_get(json_object_get(rf, "json_schema"), "schema");
	assert_int_equal(json_array_size(json_object_get(schema, "required")), 2);
	assert_true(json_is_false(json_object_get(schema, "additionalProperties")));
	json_decref(rf);
	pv.kind = SPECC_PROVIDER_OPENAI;
	pv.base_url = "http://127.0.0.1:1/v1";
	specc_deep_fingerprint(&pv, "m", true, f1);
	specc_deep_fingerprint(&pv, "m", false, f2);
	specc_grade_fingerprint(&pv, "m", true, g);
	assert_string_not_equal(f1, f2);
	/* Not the grader's: another prompt, another cache. */
	assert_string_not_equal(f1, g);
}

/* ---- the verdict ---------------------------------------------------------- */

static void verdict_ok(const char *text, int want)
{
	specc_buf why = SPECC_BUF_INIT;
	char *reason = NULL;
	int kind = -9;

	if (specc_deep_verdict_parse(text, strlen(text), &kind, &reason, &why) != SPECC_OK) {
		print_error("%s: %s\n", text, why.ptr);
		fail();
	}
	assert_int_equal(kind, want);
	assert_non_null(reason);
	assert_int_equal(why.len, 0);
	free(reason);
	specc_buf_release(&why);
}

static void verdict_bad(const char *text, size_t len, const char *want)
{
	specc_buf why = SPECC_BUF_INIT;
	char *reason = (char *)"x";
	int kind = 7;

	assert_int_equal(specc_deep_verdict_parse(text, len, &kind, &reason, &why), SPECC_ESYNTAX);
	assert_int_equal(kind, -1);
	assert_null(reason);
	HAS(why.ptr, want);
	specc_buf_release(&why);
}

#define BAD(s, want) verdict_bad((s), sizeof(s) - 1, (want))

static void verdicts(void **state)
{
	(void)state;
	verdict_ok("{\"verdict\":\"contradiction\",\"reason\":\"One forbids what the other requires.\"}",
		   SPECC_DEEP_CONTRADICTION);
	verdict_ok(" \n{\"reason\":\"Different situations.\",\"verdict\":\"compatible\"}\n", SPECC_DEEP_COMPATIBLE);
	verdict_ok("{\"verdict\":\"unclear\",\"reason\":\"\xc3\xa9 depends.\"}", SPECC_DEEP_UNCLEAR);

	BAD("", "not a JSON object");
	BAD("{\"verdict\": \"contradiction\", \"rea", "not a JSON object");
	BAD("These two clauses look fine together.", "not a JSON object");
	BAD("[\"contradiction\"]", "not an object");
	BAD("\"contradiction\"", "not a JSON object");
	BAD("{\"verdict\":\"contradiction\"}", "lacks");
	BAD("{\"reason\":\"x\"}", "lacks");
	BAD("{\"verdict\":\"maybe\",\"reason\":\"x\"}", "not contradiction, compatible or unclear");
	BAD("{\"verdict\":1,\"reason\":\"x\"}", "not contradiction, compatible or unclear");
	BAD("{\"verdict\":\"compatible\",\"reason\":\" \\n \"}", "no reason");
	BAD("{\"verdict\":\"compatible\",\"reason\":3}", "no reason");
	BAD("{\"verdict\":\"compatible\",\"reason\":\"x\",\"confidence\":1}", "unknown field \"confidence\"");
	BAD("{\"verdict\":\"compatible\",\"verdict\":\"unclear\",\"reason\":\"x\"}", "not a JSON object");
	BAD("{\"verdict\":\"compatible\",\"reason\":\"x\"} {}", "not a JSON object");
	BAD("{\"verdict\":\"compatible\",\"reason\":\"a\\u0000b\"}", "not a JSON object");
	/* A NUL byte in the text itself. */
	verdict_bad("{\"verdict\":\"compatible\",\0\"reason\":\"x\"}", 35, "not a JSON object");
	/* A control character in an unknown field's name is quoted. */
	BAD("{\"bad\\nfield\":1}", "unknown field \"bad\\nfield\"");
}

/* ---- reporting ------------------------------------------------------------ */

/* ---- overrides= ----------------------------------------------------------- */

/* Two declarations no conflict justifies: jokes over worries (g1, g2 against
 * g3), tone over refunds and the chat under it (g4 against g5, g6). */
static const char declared_text[] =
	"# S {#s}\n\n"
	"## Jokes {#jokes authority=user overrides=#worries}\n\n"
	"When a member makes a light remark about their finances, the assistant may joke back[^g1].\n\n"
	"Jokes about fees are fine once a laugh is shared[^g2].\n\n"
	"## Worries {#worries authority=user}\n\n"
	"Never joke about money worries[^g3].\n\n"
	"## Tone {#tone authority=user overrides=#refunds}\n\n"
	"Replies stay formal[^g4].\n\n"
	"## Refunds {#refunds authority=user}\n\n"
	"Refund requests for flights go to the travel desk[^g5].\n\n"
	"### Chat {#chat}\n\n"
	"Refund requests for flights are answered in the chat[^g6].\n";

/* A declaration's pairs are candidates whatever they share, first, up to
 * half the budget, each declaration's best before any's second; past the
 * half they compete on score. */
static void declared_pairs_first(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;
	bool lexical_complete = false;

	spec(p, declared_text);
	specc_project_resolve(p);
	specc_deep_check(p, &lexical_complete);
	assert_true(lexical_complete);
	/* Deferred: no declaration is judged yet. */
	assert_null(find_code(p, "invalid-override", 0));
	specc_deep_candidates_find(p, 50, &c);
	/* Round one: g1-g3 (they share "joke") before g4-g5 (nothing);
	 * round two: g2-g3, g4-g6; then g5-g6, which only shares content. */
	PAIRS(p, &c, "g1-g3,g4-g5,g2-g3,g4-g6,g5-g6");
	assert_true(c.pairs.items[0].declared && c.pairs.items[3].declared);
	assert_false(c.pairs.items[4].declared);
	assert_int_equal(c.declared, 4);
	assert_int_equal(c.total, 5);
	assert_int_equal(c.sharing, 1);
	specc_deep_candidates_release(&c);

	/* Half of four for the declarations; the rest by score. */
	specc_deep_candidates_find(p, 4, &c);
	PAIRS(p, &c, "g1-g3,g4-g5,g5-g6,g2-g3");
	specc_deep_candidates_release(&c);
	specc_deep_candidates_find(p, 1, &c);
	PAIRS(p, &c, "g1-g3");
	specc_deep_candidates_release(&c);
}

/* A declaration the lexical tier justified adds nothing: its sections'
 * other pairs compete as any others. */
static void justified_declaration_adds_nothing(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;

	candidates(p,
		   "# S {#s}\n\n"
		   "## Pharmacist {#pharmacist authority=user overrides=#dosage}\n\n"
		   "The assistant should give medication doses[^h1].\n\n"
		   "Replies stay formal[^h2].\n\n"
		   "## Dosage {#dosage authority=user}\n\n"
		   "The assistant must not give medication doses[^h3].\n",
		   50, &c);
	assert_non_null(find_code(p, "conflict-overridden", 0));
	assert_null(find_code(p, "invalid-override", 0));
	PAIRS(p, &c, "");
	assert_int_equal(c.declared, 0);
	specc_deep_candidates_release(&c);
}

/* After the model tier: a contradiction justifies its declaration; one
 * whose pairs were all judged otherwise is invalid, saying so; one whose
 * pairs got no judgement, or were not asked, says that too. */
static void declarations_after_the_model(void **state)
{
	specc_project *p = *state;
	specc_deep_candidates c;
	bool lexical_complete = false;
	const specc_diag *d;
	int verdicts[5];

	spec(p, declared_text);
	specc_project_resolve(p);
	specc_deep_check(p, &lexical_complete);
	specc_deep_candidates_find(p, 50, &c);
	PAIRS(p, &c, "g1-g3,g4-g5,g2-g3,g4-g6,g5-g6");

	/* g1-g3 contradict; tone's two pairs are compatible and unclear. */
	verdicts[0] = SPECC_DEEP_CONTRADICTION;
	verdicts[1] = SPECC_DEEP_COMPATIBLE;
	verdicts[2] = SPECC_DEEP_COMPATIBLE;
	verdicts[3] = SPECC_DEEP_UNCLEAR;
	verdicts[4] = SPECC_DEEP_COMPATIBLE;
	specc_deep_report(p, c.pairs.items[0].a, c.pairs.items[0].b, SPECC_DEEP_CONTRADICTION, "x");
	specc_deep_report_overrides(p, &c, verdicts, lexical_complete);
	d = find_code(p, "conflict-overridden", 0);
	HAS(d->message, "as section jokes declares");
	d = find_code(p, "invalid-override", 0);
	assert_non_null(d);
	assert_null(find_code(p, "invalid-override", 1));
	HAS(d->message, "section \"tone\" overrides \"refunds\", but no conflict between their clauses has been "
			"found: the grader model judged all 2 pairs of their clauses and found no contradiction "
			"(it could not tell for 1)");
	HAS(d->help, "conflict-unclear");
	specc_project_release(p);
	specc_project_init(p);

	/* Jokes: g1-g3 got no judgement, g2-g3 compatible; tone: neither of
	 * its pairs asked (one candidate kept). */
	spec(p, declared_text);
	specc_project_resolve(p);
	specc_deep_check(p, &lexical_complete);
	specc_deep_candidates_release(&c);
	specc_deep_candidates_find(p, 50, &c);
	verdicts[0] = -1;
	verdicts[2] = SPECC_DEEP_COMPATIBLE;
	c.pairs.items[1] = c.pairs.items[2];
	c.pairs.len = 2;
	specc_deep_report_overrides(p, &c, verdicts, lexical_complete);
	d = find_code(p, "invalid-override", 0);
	HAS(d->message, "section \"jokes\" overrides \"worries\", but no conflict between their clauses has been "
			"found: the grader model found no contradiction in the 1 of their 2 pairs of clauses it "
			"judged; 1 got no judgement and may yet hold a contradiction");
	HAS(d->help, "run specc check --deep again");
	d = find_code(p, "invalid-override", 1);
	HAS(d->message, "section \"tone\" overrides \"refunds\", but no conflict between their clauses has been "
			"found: the grader model judged none of the 2 pairs of their clauses; 2 were not asked");
	HAS(d->help, "--deep-pairs");
	specc_project_release(p);
	specc_project_init(p);

	/* Without the model tier, as the lexical tier says it; past the
	 * lexical tier's budget, nothing. */
	spec(p, declared_text);
	specc_project_resolve(p);
	specc_deep_check(p, &lexical_complete);
	specc_deep_report_overrides(p, NULL, NULL, false);
	assert_null(find_code(p, "invalid-override", 0));
	specc_deep_report_overrides(p, NULL, NULL, true);
	d = find_code(p, "invalid-override", 0);
	HAS(d->message, "section \"jokes\" overrides \"worries\", but no clause of the two conflicts");
	assert_non_null(find_code(p, "invalid-override", 1));
	specc_deep_candidates_release(&c);
}

static const char levels[] =
	"# S {#s}\n\n"
	"## A {#a authority=user}\n\nGreet members by their loyalty tier[^j1].\n\n"
	"## B {#b authority=user}\n\nLoyalty tiers are private[^j2].\n\n"
	"## C {#c authority=root}\n\nNever name a member's tier in a greeting[^j3].\n";

static void build(specc_project *p)
{
	spec(p, levels);
	specc_project_resolve(p);
	specc_check(p);
	/* The anchors have no eval files here: only what the reports add
	 * is looked at. */
	specc_diags_release(&p->diags);
	specc_diags_init(&p->diags);
}

/* A contradiction at one level: errors at both clauses, naming the model. */
static void contradiction_at_one_level(void **state)
{
	specc_project *p = *state;
	const specc_diag *d;

	build(p);
	specc_deep_report(p, 0, 1, SPECC_DEEP_CONTRADICTION, "One says to name it, the other not to.");
	CODES(p, "clause-conflict,clause-conflict");
	d = find_code(p, "clause-conflict", 0);
	HAS(d->message, "clause j1 (section a, user, spec spec) conflicts with clause j2");
	HAS(d->message, "the grader model judged them contradictory: \"One says to name it, the other not to.\"");
	assert_int_equal(d->span.start, p->clauses.items[0].span.start);
	assert_int_equal(d->related->span.start, p->clauses.items[1].span.start);
}

/* Across levels the higher clause wins: a note at each, the lower one
 * naming the winner, the higher one naming what it overrides. */
static void contradiction_across_levels(void **state)
{
	specc_project *p = *state;
	const specc_diag *d;

	build(p);
	specc_deep_report(p, 0, 2, SPECC_DEEP_CONTRADICTION, "x");
	CODES(p, "conflict-overridden,conflict-overridden");
	d = find_code(p, "conflict-overridden", 0);
	assert_int_equal(d->span.start, p->clauses.items[0].span.start);
	HAS(d->message, "is overridden by clause j3");
	d = find_code(p, "conflict-overridden", 1);
	assert_int_equal(d->span.start, p->clauses.items[2].span.start);
	HAS(d->message, "overrides clause j1");
}

/* Unclear: a note at each clause naming the other; compatible: nothing.
 * The reason is untrusted: control characters escaped, length cut. */
static void unclear_and_compatible(void **state)
{
	specc_project *p = *state;
	const specc_diag *d;
	char longer[1000];

	build(p);
	specc_deep_report(p, 0, 1, SPECC_DEEP_COMPATIBLE, "fine");
	CODES(p, "");
	specc_deep_report(p, 0, 1, SPECC_DEEP_UNCLEAR, "It depends\non the tier.");
	CODES(p, "conflict-unclear,conflict-unclear");
	d = find_code(p, "conflict-unclear", 0);
	assert_int_equal(d->severity, SPECC_NOTE);
	HAS(d->message, "could not tell whether this clause contradicts clause j2 (section b, user, spec spec)");
	HAS(d->message, "\"It depends\\non the tier.\"");
	assert_int_equal(d->related->span.start, p->clauses.items[1].span.start);
	d = find_code(p, "conflict-unclear", 1);
	assert_int_equal(d->span.start, p->clauses.items[1].span.start);
	HAS(d->message, "contradicts clause j1 (section a");

	memset(longer, 'x', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	specc_deep_report(p, 0, 2, SPECC_DEEP_CONTRADICTION, longer);
	d = find_code(p, "conflict-overridden", 0);
	assert_true(strlen(d->message) < 600);
	HAS(d->message, "xxx...\"");
}

static void incomplete(void **state)
{
	specc_project *p = *state;
	const specc_diag *d;

	build(p);
	specc_deep_report_incomplete(p, 2, 0, 5, "HTTP 500: The server had an error");
	d = find_code(p, "deep-check-incomplete", 0);
	assert_int_equal(d->severity, SPECC_WARNING);
	HAS(d->message, "2 of 5 candidate pairs got no judgement from the grader model (first: HTTP 500: The server had an error)");
	specc_deep_report_incomplete(p, 0, 1, 1, NULL);
	d = find_code(p, "deep-check-incomplete", 1);
	HAS(d->message, "incomplete: 1 judgement could not be stored");
	specc_deep_report_incomplete(p, 1, 3, 1, "x");
	d = find_code(p, "deep-check-incomplete", 2);
	HAS(d->message, "1 of 1 candidate pair got no judgement from the grader model, and 3 judgements could not be stored");
}

static void kinds(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++)
		assert_int_equal(specc_deep_kind_from_name(specc_deep_kind_name(k)), k);
	assert_int_equal(specc_deep_kind_from_name("unscored"), -1);
	assert_int_equal(specc_deep_kind_from_name(NULL), -1);
	assert_string_equal(specc_deep_kind_name(3), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(ranked_by_what_they_share),
		TEST(stopwords_pair_nothing),
		TEST(order_and_cut),
		TEST(lexical_pairs_left_out),
		TEST(duplicates_and_punctuation),
		TEST(nothing_to_pair),
		TEST(a_word_only_two_share),
		TEST(a_word_only_two_share_small),
		TEST(budget),
		TEST(declared_pairs_first),
		TEST(justified_declaration_adds_nothing),
		TEST(declarations_after_the_model),
		TEST(document_is_canonical),
		TEST(section_text_is_bounded),
		TEST(response_format_and_fingerprint),
		TEST(verdicts),
		TEST(contradiction_at_one_level),
		TEST(contradiction_across_levels),
		TEST(unclear_and_compatible),
		TEST(incomplete),
		TEST(kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
