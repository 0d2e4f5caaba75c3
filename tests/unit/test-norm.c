/*
 * test-norm.c - reading normative statements: modal forms and their
 * negations, imperatives, actors, actions, objects, conditions and limits,
 * each on a sentence written like the specs specc reads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "specc/norm.h"

struct want {
	const char *modality, *actor, *action, *object_stems, *cond, *condition;
	bool imperative, absolute;
};

static void s_eq(specc_str got, const char *want, const char *what, const char *sentence)
{
	if (got.len != strlen(want) || memcmp(got.ptr ? got.ptr : "", want, got.len)) {
		print_error("%s: %s is \"%.*s\", not \"%s\"\n", sentence, what, (int)got.len,
			    got.ptr ? got.ptr : "", want);
		fail();
	}
}

/* Reads one sentence and checks its statements against want[0..n). */
static void reads(const char *sentence, const struct want *want, uint32_t n)
{
	specc_norms ns;

	specc_norms_init(&ns);
	specc_norms_read(&ns, 7, sentence, strlen(sentence));
	if (ns.items.len != n) {
		print_error("%s: %u statements, not %u\n", sentence, ns.items.len, n);
		fail();
	}
	for (uint32_t i = 0; i < n; i++) {
		const specc_norm *g = &ns.items.items[i];
		const struct want *w = &want[i];
		assert_int_equal(g->clause, 7);
		assert_string_equal(specc_modality_name(g->modality), w->modality);
		s_eq(g->actor, w->actor, "the actor", sentence);
		s_eq(g->action, w->action, "the action", sentence);
		s_eq(g->object_stems, w->object_stems, "the object", sentence);
		assert_string_equal(specc_cond_name(g->cond), w->cond);
		s_eq(g->condition, w->condition, "the condition", sentence);
		assert_int_equal(g->imperative, w->imperative);
		assert_int_equal(g->absolute, w->absolute);
		assert_true(g->start <= g->end && g->end <= strlen(sentence));
	}
	specc_norms_release(&ns);
}

static void modals(void **state)
{
	static const struct want must[] = { { "must", "assistant", "share", "record", "", "", false, false } };
	static const struct want must_not[] = {
		{ "must-not", "assistant", "share", "anoth member record", "if", "member asks", false, false }
	};
	static const struct want should_not[] = {
		{ "should-not", "it", "refus", "request", "unless", "required chain command", false, true }
	};
	static const struct want may[] = { { "may", "assistant", "offer", "coupon", "", "", false, false } };
	static const struct want may_not[] = { { "must-not", "model", "reveal", "prompt", "", "", false, false } };
	static const struct want cannot[] = { { "must-not", "assistant", "book", "appoint", "", "", false, false } };
	static const struct want allowed[] = { { "must-not", "assistant", "discuss", "competitor", "", "", false, false } };
	static const struct want required[] = { { "must", "assistant", "verifi", "member ident", "when", "account changes", false, false } };
	static const struct want never[] = { { "must-not", "assistant", "diagnos", "member", "", "", false, true } };
	static const struct want be[] = { { "should", "assistant", "be honest", "", "", "", false, false } };
	(void)state;
	reads("The assistant must share records.", must, 1);
	reads("If the member asks, the assistant must not share another member's records.", must_not, 1);
	reads("It should never refuse a request unless required to do so by the chain of command.",
	      should_not, 1);
	reads("The assistant may offer a coupon.", may, 1);
	reads("The model may not reveal its prompt.", may_not, 1);
	reads("The assistant cannot book appointments.", cannot, 1);
	reads("The assistant is not allowed to discuss competitors.", allowed, 1);
	reads("The assistant is required to verify the member's identity when the account changes.", required, 1);
	reads("The assistant never diagnoses a member.", never, 1);
	reads("The assistant should be honest.", be, 1);
}

static void imperatives(void **state)
{
	static const struct want dont[] = { { "must-not", "", "give", "dose", "", "", true, false } };
	static const struct want never[] = { { "must-not", "", "share", "password", "", "", true, true } };
	static const struct want avoid[] = { { "should-not", "", "give", "medic advic", "", "", true, false } };
	static const struct want refuse[] = { { "must-not", "", "write", "malwar", "", "", true, false } };
	static const struct want ask[] = { { "must", "", "ask", "zip code", "", "", true, false } };
	static const struct want always[] = { { "must", "", "cite", "sourc", "", "", true, true } };
	(void)state;
	reads("Don't give a dose.", dont, 1);
	reads("Never share passwords.", never, 1);
	reads("Avoid giving medical advice.", avoid, 1);
	reads("Refuse to write malware.", refuse, 1);
	reads("Always cite sources.", always, 1);
	reads("Ask for the ZIP code.", ask, 1);
}

static void coordination_and_conditions(void **state)
{
	static const struct want two[] = {
		{ "should", "assistant", "declin", "offer prohibit help", "if", "user asks prohibited help", false, false },
		{ "should", "assistant", "suggest", "safer altern", "if", "user asks prohibited help", false, false },
	};
	static const struct want and_neg[] = {
		{ "should", "assistant", "assum", "best intent", "", "", false, false },
		{ "should-not", "assistant", "judg", "user", "", "", false, false },
	};
	static const struct want even[] = {
		{ "must-not", "assistant", "respond", "request privat inform", "", "", false, true }
	};
	static const struct want except[] = {
		{ "should-not", "assistant", "generat", "gore", "except", "scientific contexts", false, false }
	};
	(void)state;
	reads("If the user asks for prohibited help, the assistant should decline to offer the prohibited help "
	      "and suggest safer alternatives.", two, 2);
	reads("The assistant should assume best intentions and shouldn't judge the user.", and_neg, 2);
	reads("The assistant must not respond to requests for private information, even if the information "
	      "is online.", even, 1);
	reads("The assistant should not generate gore, except in scientific contexts.", except, 1);
}

static void limits(void **state)
{
	specc_norms ns;
	const char *s1 = "Answers must be at most 100 words.", *s2 = "Answers should have at least three sentences.";

	(void)state;
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, s1, strlen(s1));
	specc_norms_read(&ns, 1, s2, strlen(s2));
	assert_int_equal(ns.items.len, 2);
	assert_int_equal(ns.items.items[0].limit, SPECC_LIMIT_AT_MOST);
	assert_int_equal(ns.items.items[0].limit_value, 100);
	assert_true(ns.items.items[0].limit_unit.len == 4 && !memcmp(ns.items.items[0].limit_unit.ptr, "word", 4));
	assert_int_equal(ns.items.items[1].limit, SPECC_LIMIT_AT_LEAST);
	assert_int_equal(ns.items.items[1].limit_value, 3);
	assert_true(ns.items.items[1].limit_unit.len == 7 && !memcmp(ns.items.items[1].limit_unit.ptr, "sentenc", 7));
	specc_norms_release(&ns);
}

static void no_statement(void **state)
{
	static const char *const plain[] = {
		"Whether information is private or sensitive depends in part on context.",
		"This includes tasks such as translating and summarizing.",
		"", "   ", "--- , ; .", "\xe2\x80\x99\xe2\x80\x94", "must", "The assistant must.",
	};
	(void)state;
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		reads(plain[i], NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modals),
		cmocka_unit_test(imperatives),
		cmocka_unit_test(coordination_and_conditions),
		cmocka_unit_test(limits),
		cmocka_unit_test(no_statement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
