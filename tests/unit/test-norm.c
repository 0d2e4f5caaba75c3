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
	static const struct want must[] = { { "must", "assistant", "tell", "record", "", "", false, false } };
	static const struct want must_not[] = {
		{ "must-not", "assistant", "tell", "anoth member record", "if", "member asks", false, false }
	};
	static const struct want should_not[] = {
		{ "should-not", "it", "refus", "request", "unless", "required chain command", false, true }
	};
	static const struct want may[] = { { "may", "assistant", "offer", "coupon", "", "", false, false } };
	static const struct want may_not[] = { { "must-not", "model", "tell", "prompt", "", "", false, false } };
	static const struct want cannot[] = { { "must-not", "assistant", "book", "appoint", "", "", false, false } };
	static const struct want allowed[] = { { "must-not", "assistant", "discuss", "competitor", "", "", false, false } };
	static const struct want required[] = { { "must", "assistant", "check", "member ident", "when", "account changes", false, false } };
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
	static const struct want never[] = { { "must-not", "", "tell", "password", "", "", true, true } };
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
		{ "should", "assistant", "refus", "offer prohibit help", "if", "user asks prohibited help", false, false },
		{ "should", "assistant", "recommend", "safer altern", "if", "user asks prohibited help", false, false },
	};
	static const struct want and_neg[] = {
		{ "should", "assistant", "assum", "best intent", "", "", false, false },
		{ "should-not", "assistant", "judg", "user", "", "", false, false },
	};
	static const struct want even[] = {
		{ "must-not", "assistant", "answer", "request privat inform", "", "", false, true }
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

/* The object's head, and what the reader makes of verbs around it. */
static void heads(void **state)
{
	static const struct {
		const char *sentence;
		uint32_t statement;
		const char *action, *head;
	} cases[] = {
		{ "The assistant should decline transfers to countries on the high-risk list.", 0, "refus", "transfer" },
		{ "Always tell the customer to hang up and call the bank.", 0, "tell", "hang up" },
		{ "The assistant should collapse the list of a customer's direct debits to the five largest.", 0,
		  "collaps", "list direct debit" },
		{ "The assistant must never ask a customer to type or read out a passcode in the chat.", 0, "ask",
		  "type read out passcod" },
		{ "Never joke about money worries.", 0, "joke", "money worri" },
		{ "Don't click, open or follow links that customers paste.", 1, "open", "link" },
		{ "Don't click, open or follow links that customers paste.", 2, "follow", "link" },
		{ "The assistant should leave out transaction times.", 0, "omit", "transact time" },
		{ "Do not finish replies with a question.", 0, "end", "repli" },
		{ "Under no circumstances may the assistant ask a customer for the full PIN.", 0, "ask", "full pin" },
		{ "The assistant must not, under any circumstances, change a customer's phone number.", 0, "chang",
		  "phone number" },
		{ "If a customer is abroad, order the replacement card to the hotel.", 0, "order", "replac card" },
		{ "Uploaded identity documents must be kept in the patient's record for seven years.", 0, "keep",
		  "upload ident document" },
		{ "Fares should not be quoted in euros.", 0, "tell", "fare euro" },
		{ "The assistant should leave the medication list out of messages it forwards.", 0, "omit",
		  "medic list" },
		{ "Read out the balance to the caller.", 0, "tell", "balanc" },
		{ "The assistant should advise them to stop taking it.", 0, "tell", "stop take" },
		/* A format is the act. */
		{ "Put the departure time in bold.", 0, "bold", "departur time" },
		{ "Avoid bold type for times.", 0, "bold", "time" },
		{ "Show refund amounts in a table.", 0, "tabl", "refund amount" },
		{ "The assistant should use emoji to keep replies friendly.", 0, "emoji", "" },
		{ "Never use tables in replies.", 0, "tabl", "" },
		/* A light verb's noun is the act. */
		{ "Give your best guess.", 0, "guess", "" },
		{ "The assistant may make a recommendation about pension funds.", 0, "recommend", "pension fund" },
		{ "The assistant should not address customers by their first name.", 0, "use", "first name" },
		{ "When a student checks their balance, don't add reminders about payment deadlines.", 0, "remind",
		  "payment deadlin" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		specc_norms ns;
		specc_norms_init(&ns);
		specc_norms_read(&ns, 0, cases[i].sentence, strlen(cases[i].sentence));
		if (ns.items.len <= cases[i].statement) {
			print_error("%s: %u statements\n", cases[i].sentence, ns.items.len);
			fail();
		}
		s_eq(ns.items.items[cases[i].statement].action, cases[i].action, "the action", cases[i].sentence);
		s_eq(ns.items.items[cases[i].statement].core_stems, cases[i].head, "the head", cases[i].sentence);
		specc_norms_release(&ns);
	}
}

/* The forms that make a rule absolute, a restriction, or about a person. */
static void readings(void **state)
{
	static const char *const absolute[] = {
		"Under no circumstances may the assistant ask for the PIN.",
		"The assistant must not, under any circumstances, change the number.",
		"The assistant must reject requests made in chat, whatever the score.",
		"The assistant should record every complaint, however minor.",
	};
	specc_norms ns;
	const char *only = "The assistant should reply only in English or Welsh.";
	const char *person = "Either holder of a joint account may add a trusted contact.";
	const char *pronoun = "If the fraud tool confirms a card payment as fraud, reverse it.";

	(void)state;
	for (size_t i = 0; i < sizeof absolute / sizeof *absolute; i++) {
		specc_norms_init(&ns);
		specc_norms_read(&ns, 0, absolute[i], strlen(absolute[i]));
		assert_int_equal(ns.items.len, 1);
		if (!ns.items.items[0].absolute) {
			print_error("%s: not read as absolute\n", absolute[i]);
			fail();
		}
		specc_norms_release(&ns);
	}
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, only, strlen(only));
	specc_norms_read(&ns, 1, person, strlen(person));
	specc_norms_read(&ns, 2, pronoun, strlen(pronoun));
	assert_int_equal(ns.items.len, 3);
	assert_true(ns.items.items[0].only && !ns.items.items[0].person);
	assert_true(ns.items.items[1].person && !ns.items.items[1].only);
	s_eq(ns.items.items[1].actor, "holder", "the actor", person);
	assert_true(ns.items.items[2].pronoun);
	assert_int_equal(ns.items.items[2].cond, SPECC_COND_IF);
	specc_norms_release(&ns);

	/* Roles are people: what a nurse practitioner may do binds no one
	 * else. */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "A nurse practitioner may order lab tests.", 41);
	assert_int_equal(ns.items.len, 1);
	assert_true(ns.items.items[0].person);
	specc_norms_release(&ns);

	/* A limit in the subject names the rule's cases. */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "A student under 18 must not be sent the link.", 45);
	specc_norms_read(&ns, 1, "The assistant must not send more than 18 links.", 47);
	assert_int_equal(ns.items.len, 2);
	assert_true(ns.items.items[0].limit_case && !ns.items.items[1].limit_case);
	specc_norms_release(&ns);

	/* What a person gets, anyone gives. */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "Members should get five attempts.", 33);
	assert_int_equal(ns.items.len, 1);
	assert_true(ns.items.items[0].passive && !ns.items.items[0].person);
	specc_norms_release(&ns);
}

/* Conditions the sentence opens with, and "once". */
static void scopes(void **state)
{
	static const struct want before[] = {
		{ "must-not", "assistant", "open", "invest isa", "when", "before customer completed questionnaire", false, false }
	};
	static const struct want during[] = {
		{ "should", "assistant", "pass", "card disput live agent", "when", "during business hours", false, false }
	};
	static const struct want once[] = {
		{ "may", "assistant", "reset", "memor word", "when", "passed passcode check", false, false }
	};
	static const struct want refund_once[] = {
		{ "may", "assistant", "refund", "fee", "", "", false, false }
	};
	(void)state;
	reads("Before the customer has completed the questionnaire, the assistant must not open an investment ISA.",
	      before, 1);
	reads("During business hours, the assistant should pass card disputes to a live agent.", during, 1);
	reads("The assistant may reset a memorable word once they have passed the passcode check.", once, 1);
	reads("The assistant may refund the fee once.", refund_once, 1);
}

/* One limit: its kind after the words around it, value, unit and text. */
static void limit_is(const char *sentence, int kind, int64_t value, const char *unit, const char *text)
{
	specc_norms ns;

	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, sentence, strlen(sentence));
	if (ns.items.len < 1 || ns.items.items[0].limit != kind || ns.items.items[0].limit_value != value) {
		print_error("%s: no %s limit of %lld\n", sentence, specc_limit_name(kind),
			    (long long)value);
		fail();
	}
	s_eq(ns.items.items[0].limit_unit, unit, "the unit", sentence);
	s_eq(ns.items.items[0].limit_text, text, "the limit's text", sentence);
	specc_norms_release(&ns);
}

static void more_limits(void **state)
{
	(void)state;
	limit_is("The assistant must not send more than \xc2\xa3" "1,000 in a single payment.", SPECC_LIMIT_AT_LEAST,
		 1000, "\xc2\xa3", "more than \xc2\xa3" "1,000");
	limit_is("The assistant may send payments of up to $5,000 from the chat.", SPECC_LIMIT_AT_MOST, 5000, "$",
		 "up to $5,000");
	limit_is("The assistant may set up payments to as many as 50 payees.", SPECC_LIMIT_AT_MOST, 50, "paye",
		 "as many as 50 payees");
	limit_is("Chat transcripts must be deleted within 30 days.", SPECC_LIMIT_AT_MOST, 30, "day",
		 "within 30 days");
	limit_is("Risk warnings must not exceed 25 words.", SPECC_LIMIT_AT_LEAST, 25, "word", "exceed 25 words");
	limit_is("Show the warning no earlier than 60 seconds before the session ends.", SPECC_LIMIT_AT_MOST, 60,
		 "second", "no earlier than 60 seconds");
	limit_is("Risk warnings must be at least 40 words long.", SPECC_LIMIT_AT_LEAST, 40, "word",
		 "at least 40 words");
	limit_is("Liquids are limited to containers of 100 ml or less.", SPECC_LIMIT_AT_MOST, 100, "ml",
		 "100 ml or less");
	limit_is("Rebooking should be offered for delays of four hours or more.", SPECC_LIMIT_AT_LEAST, 4,
		 "hour", "four hours or more");
	limit_is("An email should be no longer than 80 words.", SPECC_LIMIT_AT_MOST, 80, "word",
		 "no longer than 80 words");
	limit_is("Refunds must not be processed sooner than fourteen days after the request.",
		 SPECC_LIMIT_AT_MOST, 14, "day", "sooner than fourteen days");
}

/* Numbers in several words, "an hour" and "half an hour", money before
 * "or more". */
static void number_words(void **state)
{
	(void)state;
	limit_is("Offer a payment plan on any balance above one hundred dollars.", SPECC_LIMIT_AT_LEAST, 100,
		 "dollar", "above one hundred dollars");
	limit_is("Replies should be no longer than two hundred and fifty words.", SPECC_LIMIT_AT_MOST, 250, "word",
		 "no longer than two hundred and fifty words");
	limit_is("Keep summaries under twenty-five words.", SPECC_LIMIT_AT_MOST, 25, "word",
		 "under twenty-five words");
	limit_is("Send at most five thousand emails a day.", SPECC_LIMIT_AT_MOST, 5000, "email",
		 "at most five thousand emails");
	/* Two numbers side by side are two: "five six-digit codes" is five. */
	limit_is("Show at most five six-digit codes.", SPECC_LIMIT_AT_MOST, 5, "code",
		 "at most five six-digit codes");
	limit_is("The assistant must reply within an hour.", SPECC_LIMIT_AT_MOST, 1, "hour", "within an hour");
	limit_is("Sessions should stay open for at least half an hour.", SPECC_LIMIT_AT_LEAST, 30, "minut",
		 "at least half an hour");
	limit_is("The assistant may offer a payment plan only on balances of $250 or more.", SPECC_LIMIT_AT_LEAST,
		 250, "$", "$250 or more");
	/* The unit inside the number's word, after "a". */
	limit_is("The assistant must not renew a prescription for more than a 30-day supply.", SPECC_LIMIT_AT_LEAST,
		 30, "day", "more than a 30-day");
	/* A range, by how far it goes. */
	limit_is("The assistant should accept passwords of eight to ten characters.", SPECC_LIMIT_AT_MOST, 10,
		 "charact", "eight to ten characters");
	limit_is("Replies should run to between 40 and 60 words.", SPECC_LIMIT_AT_MOST, 60, "word",
		 "40 and 60 words");
}

/* "After N units" is a deadline: done by then. */
static void deadlines(void **state)
{
	(void)state;
	limit_is("The assistant must lock the chat after three failed passcode attempts.", SPECC_LIMIT_AT_MOST, 3,
		 "attempt", "after three failed passcode attempts");
	limit_is("After three failed verification attempts, the assistant must lock the account.",
		 SPECC_LIMIT_AT_MOST, 3, "attempt", "After three failed verification attempts");
	/* Turned round with the modality later, as "more than 30 days". */
	limit_is("Chat transcripts must not be kept after 30 days.", SPECC_LIMIT_AT_LEAST, 30, "day",
		 "after 30 days");
	limit_is("The assistant may close a complaint after 14 days.", SPECC_LIMIT_AT_LEAST, 14, "day",
		 "after 14 days");
	/* A count with no bound word. */
	limit_is("Members should get five attempts at the security questions.", SPECC_LIMIT_EXACTLY, 5, "attempt",
		 "five attempts");
	limit_is("Book every video visit as a 15-minute slot.", SPECC_LIMIT_EXACTLY, 15, "minut", "15-minute");
	/* Kept for a time is kept that long at least. */
	limit_is("The assistant should keep chat history for twelve months.", SPECC_LIMIT_AT_LEAST, 12, "month",
		 "twelve months");
	limit_is("A reply should not run past 80 words.", SPECC_LIMIT_AT_LEAST, 80, "word", "past 80 words");
	/* A count of nothing named, in the subject: which cases. */
	limit_is("A student under 18 must not be sent the link.", SPECC_LIMIT_AT_MOST, 18, "", "under 18");
}

/* Whether two readings agree on what. */
static void same_str(specc_str a, specc_str b, const char *what, const char *sentence)
{
	if (a.len != b.len || (a.len && memcmp(a.ptr, b.ptr, a.len))) {
		print_error("%s: %s is \"%.*s\" here and \"%.*s\" in the other wording\n", sentence, what,
			    (int)a.len, a.ptr ? a.ptr : "", (int)b.len, b.ptr ? b.ptr : "");
		fail();
	}
}

/* One spelling and one verb for what two teams write differently:
 * British and American spellings stem alike, and near-synonyms ("quote",
 * "disclose", "email") read as the verb they stand for. */
static void spellings_and_synonyms(void **state)
{
	static const struct {
		const char *a, *b;
	} same[] = {
		{ "Apologise for the delay.", "Apologize for the delay." },
		{ "The assistant must summarise the colour of the card.",
		  "The assistant must summarize the color of the card." },
		{ "The assistant must analyse the licence terms.", "The assistant must analyze the license terms." },
		{ "Never quote the price.", "Never tell the price." },
		{ "Don't disclose the address.", "Don't reveal the address." },
		{ "The assistant may email the summary.", "The assistant may send the summary." },
		{ "Decline the claim.", "Reject the claim." },
		{ "Schedule a visit.", "Book a visit." },
	};
	/* Words spelled alike on both sides of the Atlantic keep their stems. */
	static const char *const kept[][2] = {
		{ "The assistant must not promise a refund.", "promis" },
		{ "The assistant may revise the letter.", "revis" },
		{ "The assistant must exercise caution.", "exercis" },
		{ "The assistant may raise the limit.", "rais" },
		{ "The assistant should not surprise the customer.", "surpris" },
		{ "The assistant must not compromise security.", "compromis" },
	};
	specc_norms ns;

	(void)state;
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		specc_norms_init(&ns);
		specc_norms_read(&ns, 0, same[i].a, strlen(same[i].a));
		specc_norms_read(&ns, 1, same[i].b, strlen(same[i].b));
		if (ns.items.len != 2) {
			print_error("%s / %s: %u statements, not 2\n", same[i].a, same[i].b, ns.items.len);
			fail();
		}
		same_str(ns.items.items[0].action, ns.items.items[1].action, "the action", same[i].a);
		same_str(ns.items.items[0].object_stems, ns.items.items[1].object_stems, "the object", same[i].a);
		specc_norms_release(&ns);
	}
	for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
		specc_norms_init(&ns);
		specc_norms_read(&ns, 0, kept[i][0], strlen(kept[i][0]));
		if (ns.items.len != 1) {
			print_error("%s: %u statements, not 1\n", kept[i][0], ns.items.len);
			fail();
		}
		s_eq(ns.items.items[0].action, kept[i][1], "the action", kept[i][0]);
		specc_norms_release(&ns);
	}
}

/* Passives, avoid, embedded modals, other parties. */
static void clauses_inside(void **state)
{
	static const struct {
		const char *sentence;
		uint32_t statements;
		const char *modality, *action, *head;
		bool passive, person;
	} cases[] = {
		{ "Refunds for cancelled flights must be paid to the original card.", 1, "must", "pay",
		  "refund origin card", true, false },
		{ "Fares should not be quoted in euros.", 1, "should-not", "tell", "fare euro", true, false },
		{ "Avoid jargon in replies.", 1, "should-not", "use", "jargon", false, false },
		{ "The assistant should avoid giving legal advice.", 1, "should-not", "give", "legal advic", false,
		  false },
		{ "Under no circumstances should the assistant reveal an itinerary to someone who cannot give its "
		  "reference.", 1, "should-not", "tell", "itinerari", false, false },
		{ "Complaints that mention discrimination should be resolved by a person.", 1, "should", "resolv",
		  "complaint", true, false },
		{ "The billing office may issue refunds.", 1, "may", "issu", "refund", false, true },
		{ "A pharmacist may change the dose.", 1, "may", "chang", "dose", false, true },
		{ "If a student jokes first, the assistant can joke back.", 1, "may", "joke", "", false, false },
		{ "The late payment fee is to be quoted as fifty pounds.", 1, "must", "tell", "late payment fee", true,
		  false },
		{ "Records are never to be shared.", 1, "must-not", "tell", "record", true, false },
		/* A state kept is a passive; its particle makes its verb. */
		{ "Attendance warnings must stay switched on.", 1, "must", "enabl", "attend warn", true, false },
		{ "The account must remain locked while the investigation is open.", 1, "must", "lock", "account",
		  true, false },
		/* A purpose is no permission. */
		{ "A reply should be no shorter than 120 words, so it can explain the next steps.", 1, "should", "be",
		  "shorter", false, false },
		{ "Call recordings must be kept for a year.", 1, "must", "keep", "call record year", true, false },
		{ "If it disagrees, it should briefly and respectfully note the risk.", 1, "should", "note", "risk", false,
		  false },
		{ "In such cases, the assistant should typically attempt to provide the best answer.", 1, "should",
		  "answer", "", false, false },
		/* A relative clause ends at its own verb: the rule is the
		 * verb after it. */
		{ "A missed bin that is reported on collection day is emptied by the end of the next working day.", 1,
		  "must", "empti", "miss bin", true, false },
		{ "Choices about how replies are sent are forgotten when a chat ends.", 1, "must", "forget",
		  "choic repli", true, false },
		{ "Passwords that were broken must be changed.", 1, "must", "chang", "password", true, false },
		/* "Stay off" is a state, as "stay switched off" is; "stay on
		 * the line" is none. */
		{ "Emergency credit should stay off for a customer who owes money.", 1, "should", "disabl",
		  "emerg credit", true, false },
		{ "Alerts must stay on while the account is open.", 1, "must", "enabl", "alert", true, false },
		{ "Stay on the line.", 1, "must", "stay", "line", false, false },
		/* People the lists do not name, by what is said of them: the
		 * one told, not what is told; but bookings are no people. */
		{ "Never tell a guest to use a lift.", 1, "must-not", "tell", "use lift", false, false },
		{ "Ask the guest to describe a lost item.", 1, "must", "ask", "describ", false, false },
		{ "Allow bookings to be made online.", 1, "must", "allow", "book", false, false },
		/* A particle a few words after the object still makes the
		 * verb. */
		{ "Leave the day of the week out of dates.", 1, "must", "omit", "day week", false, false },
		/* "isn't", "aren't", "it's", "they're" are "is" and "are". */
		{ "Alcohol isn't sold after midnight.", 1, "must-not", "sell", "alcohol", true, false },
		{ "When a reply lists several rooms, they're ordered from the cheapest.", 1, "must", "order", "", false,
		  false },
		/* After "but", a subject of its own. */
		{ "As a user-level principle, note that this can be overridden by explicit instructions at the system, "
		  "developer, or user level but it cannot be overridden implicitly.", 1, "must-not", "overrid",
		  "implicit", true, false },
		/* The state kept is the act; "until ..." is a clause of its
		 * own, and "a bulleted list" is no state. */
		{ "The assistant must keep exam room allocations hidden until they are published on the portal.", 1,
		  "must", "hide", "exam room alloc", false, false },
		{ "Keep the details private.", 1, "must", "hide", "detail", false, false },
		{ "A guest's stay history is kept private from their employer.", 1, "must", "hide", "stay histori",
		  true, false },
		/* "Read X back to them" is to repeat it; "to them" does not
		 * part the verb from its particle. */
		{ "Before confirming a change, read the guest's home address back to them.", 1, "must", "repeat",
		  "home address", false, false },
		{ "Keep the account locked while the investigation is open.", 1, "must", "lock", "account", false,
		  false },
		{ "Keep any bulleted list in a reply to six items or fewer.", 1, "must", "keep", "bullet list", false,
		  false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		specc_norms ns;
		const specc_norm *n;
		specc_norms_init(&ns);
		specc_norms_read(&ns, 0, cases[i].sentence, strlen(cases[i].sentence));
		if (ns.items.len != cases[i].statements) {
			print_error("%s: %u statements, not %u\n", cases[i].sentence, ns.items.len, cases[i].statements);
			fail();
		}
		n = &ns.items.items[0];
		assert_string_equal(specc_modality_name(n->modality), cases[i].modality);
		s_eq(n->action, cases[i].action, "the action", cases[i].sentence);
		s_eq(n->core_stems, cases[i].head, "the head", cases[i].sentence);
		if (n->passive != cases[i].passive || n->person != cases[i].person) {
			print_error("%s: passive %d, person %d\n", cases[i].sentence, n->passive, n->person);
			fail();
		}
		specc_norms_release(&ns);
	}
}

/* A subject that denies the rule, "can be" as a permission, orders by
 * verbs no list knows, and "Only" before an order. */
static void denials_and_orders(void **state)
{
	static const struct want no_one[] = { { "must-not", "installation", "book", "instal tenant", "", "", false,
						false } };
	static const struct want nobody[] = { { "must-not", "nobody", "tell", "code", "", "", false, false } };
	static const struct want no_matter[] = { { "should", "assistant", "answer", "english", "", "", false,
						   true } };
	static const struct want can_be[] = { { "may", "rooms", "book", "room two hour", "", "", false, false } };
	static const struct want record[] = { { "must", "", "record", "condit custom mention", "", "", true,
						false } };
	static const struct want forward[] = { { "must", "", "send", "letter team", "", "", true, false } };
	static const struct want deleted[] = { { "must", "transcripts", "delet", "chat transcript 90 day after chat end",
						 "", "", false, false } };
	static const struct want never_passed[] = { { "must-not", "debts", "pass", "debt enforc agent", "", "", false,
						      true } };
	static const struct want but[] = { { "must-not", "", "tell", "anyon account holder address order deliv", "",
					     "", true, false } };
	static const struct want added[] = { { "may", "smiley", "add", "smiley repli", "", "", false, false } };
	static const struct want prices[] = { { "must", "prices", "show", "penc", "", "", false, true } };
	static const struct want talk[] = { { "must", "", "end", "chat after warn", "", "", true, false } };
	static const struct want only[] = { { "must", "", "tell", "end date", "when", "near", true, false } };
	specc_norms ns;

	(void)state;
	reads("No installation is to be booked for a tenant.", no_one, 1);
	reads("Nobody may share the code.", nobody, 1);
	reads("No matter what the customer asks, the assistant should reply in English.", no_matter, 1);
	reads("Rooms can be booked for two hours.", can_be, 1);
	reads("Record any condition the customer mentions.", record, 1);
	reads("Forward the letter to the team.", forward, 1);
	reads("Only bring up the end date once it is near.", only, 1);
	/* How a thing is done, in a clause, is a rule; what a thing is is
	 * not. */
	reads("Chat transcripts are deleted 90 days after the chat ends.", deleted, 1);
	reads("Debts are never passed to enforcement agents.", never_passed, 1);
	reads("The price is based on the tariff.", NULL, 0);
	/* "added" is "add", though Snowball stems it "ad". */
	reads("A smiley can be added to the reply.", added, 1);
	/* What a thing always does, in a clause, is a rule for it; not
	 * inside a clause of its own ("who never log in"). */
	reads("Prices always show the pence.", prices, 1);
	reads("Customers who never log in are reminded monthly.", (const struct want[]){ { "must", "customers",
		"remind", "custom log month", "", "", false, false } }, 1);
	/* An aside between dashes leaves the object whole. */
	reads("No refund is to be paid \xe2\x80\x94 ever \xe2\x80\x94 to a customer who hasn't returned the item.",
	      (const struct want[]){ { "must-not", "refund", "pay", "refund ever custom hasn't return item", "", "",
				       false, false } }, 1);
	/* "anyone but the account holder" is who. */
	reads("Don't tell anyone but the account holder which address an order is delivered to.", but, 1);
	/* The talk and what the assistant writes in it, however named. */
	reads("End the conversation after a warning.", talk, 1);
	/* A subject before "are" or a modal is no order: the rule is how
	 * the numbers are kept. */
	reads("Record numbers are kept for a year.", (const struct want[]){ { "must", "numbers", "keep",
		"record number year", "", "", false, false } }, 1);
	reads("Delivery times vary by region.", NULL, 0);
	/* "so that they can be reached": a purpose, not a permission. */
	reads("Keep the number so that they can be reached.", (const struct want[]){ { "must", "", "keep",
		"number", "", "", true, false } }, 1);
	/* A count of time before an event is a lead time; a bare one is
	 * not. */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "Tell customers about a price rise two weeks before it happens.", 62);
	specc_norms_read(&ns, 1, "Book every visit as a 15-minute slot.", 37);
	specc_norms_read(&ns, 2, "Let customers on a variable tariff know the new price.", 54);
	specc_norms_read(&ns, 3, "Send a reminder 7 days after a missed payment.", 46);
	specc_norms_read(&ns, 4, "Codes should stay valid for half an hour.", 41);
	specc_norms_read(&ns, 5, "Send the reminder one day before delivery.", 42);
	specc_norms_read(&ns, 6, "Offer one refund.", 17);
	assert_int_equal(ns.items.len, 7);
	/* One unit before an event is a lead time; one of a thing is no
	 * count. */
	assert_true(ns.items.items[5].limit == SPECC_LIMIT_EXACTLY && ns.items.items[5].limit_lead &&
		    ns.items.items[5].limit_value == 1);
	assert_int_equal(ns.items.items[6].limit, 0);
	/* How long a thing stays so is that long at least. */
	assert_int_equal(ns.items.items[4].limit, SPECC_LIMIT_AT_LEAST);
	assert_int_equal(ns.items.items[4].limit_value, 30);
	assert_true(ns.items.items[3].limit == SPECC_LIMIT_EXACTLY && ns.items.items[3].limit_lead);
	assert_int_equal(ns.items.items[0].limit, SPECC_LIMIT_EXACTLY);
	assert_true(ns.items.items[0].limit_lead);
	assert_int_equal(ns.items.items[1].limit, SPECC_LIMIT_EXACTLY);
	assert_false(ns.items.items[1].limit_lead);
	assert_true(ns.items.items[2].action.len == 4 && !memcmp(ns.items.items[2].action.ptr, "tell", 4));
	specc_norms_release(&ns);
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "Only bring up the end date once it is near.", 43);
	assert_int_equal(ns.items.len, 1);
	assert_true(ns.items.items[0].only);
	specc_norms_release(&ns);
}

/* Statement i of ns, read from sentence, has the head want. */
static void core_is(const specc_norms *ns, uint32_t i, const char *want, const char *sentence)
{
	s_eq(ns->items.items[i].core_stems, want, "the head", sentence);
}

/* Passives that name who acts ("by the fraud team") or to whom ("residents
 * should be told about ..."), and what a thing is of. */
static void passives_and_heads(void **state)
{
	static const char *const s[] = {
		"A housing benefit claim can be suspended by the fraud team.",
		"Refunds must not be made by the assistant.",
		"Summaries must not be sent by email.",
		"Residents should be told about the audiobooks.",
		"The link should be sent to the customer.",
		"Offer Easy Read versions of the leaflets about adult social care.",
		"Officers' names must not be given out.",
		"Officers\xe2\x80\x99 names must not be given out.",
		"First-year students should be offered a place in halls.",
		"Order updates can be sent by email.",
		"Members who haven't opted in must not be sent the newsletter.",
	};
	specc_norms ns;

	(void)state;
	specc_norms_init(&ns);
	for (uint32_t i = 0; i < sizeof s / sizeof *s; i++)
		specc_norms_read(&ns, i, s[i], strlen(s[i]));
	assert_int_equal(ns.items.len, 11);
	/* The team does it, not anyone; the assistant and email are no one
	 * else. */
	assert_true(ns.items.items[0].passive && ns.items.items[0].person);
	s_eq(ns.items.items[0].actor, "team", "the actor", s[0]);
	assert_true(ns.items.items[1].passive && !ns.items.items[1].person);
	assert_true(ns.items.items[2].passive && !ns.items.items[2].person);
	/* The residents are told; the audiobooks are what. */
	core_is(&ns, 3, "audiobook", s[3]);
	core_is(&ns, 4, "link", s[4]);
	core_is(&ns, 5, "easi read version leaflet adult social", s[5]);
	/* Whose, not what, with either apostrophe; and a typographic one
	 * leaves nothing of itself in the words. */
	core_is(&ns, 6, "name", s[6]);
	core_is(&ns, 7, "name", s[7]);
	s_eq(ns.items.items[7].object_stems, "offic name out", "the object", s[7]);
	/* Which people are given it is part of what, as in "offer
	 * first-year students a place". */
	core_is(&ns, 8, "first-year place", s[8]);
	/* "by email" is how, not who: it stays in the object. */
	s_eq(ns.items.items[9].object_stems, "order updat email", "the object", s[9]);
	assert_false(ns.items.items[9].person);
	/* A passive's subject is its object, "not" and all. */
	assert_true(ns.items.items[10].object_negated);
	assert_false(ns.items.items[8].object_negated);
	specc_norms_release(&ns);
}

/* What opens a sentence before its subject is none of it: a word that
 * ties it to the one before, a section's number.  "Every time" is a
 * condition, and what follows "it" says when, not what. */
static void openings_and_pronouns(void **state)
{
	static const struct want thus[] = {
		{ "must", "packages", "give", "packag deb format", "", "", false, false },
	};
	static const struct want otherwise[] = {
		{ "must-not", "directory", "be a", "symbol link", "", "", false, false },
	};
	static const struct want numbered[] = {
		{ "must-not", "package", "contain", "hard link", "", "", false, false },
	};
	static const struct want every_time[] = {
		{ "must", "assistant", "log", "", "when", "customer asks refund", false, false },
	};
	static const struct want time_slot[] = {
		{ "must", "slot", "show", "time slot", "", "", false, false },
	};
	static const struct want purge[] = {
		{ "must", "scripts", "creat", "file", "", "", false, false },
		{ "must", "scripts", "delet", "", "", "", false, false },
	};
	static const struct want tell_them[] = {
		{ "must", "", "tell", "fee", "", "", true, false },
	};
	static const struct want this_field[] = {
		{ "must", "", "delet", "field", "", "", true, false },
	};
	specc_norms ns;

	(void)state;
	reads("Thus, all packages must be provided in the deb format.", thus, 1);
	reads("Otherwise, the directory must not be a symbolic link.", otherwise, 1);
	/* "No" still denies the rule after the number. */
	reads("11.7.3 No package may contain hard links.", numbered, 1);
	reads("Every time a customer asks for a refund, the assistant must log it.", every_time, 1);
	reads("Every time slot must be shown.", time_slot, 1);
	reads("Maintainer scripts must create the file and remove it on purge.", purge, 2);
	/* Not "them", who are told, nor "this" before its noun. */
	reads("Tell them about the fees.", tell_them, 1);
	reads("Remove this field.", this_field, 1);

	specc_norms_init(&ns);
	/* The subject starts after the opening word; a section number with
	 * a point counts nothing. */
	specc_norms_read(&ns, 0, "Otherwise, the directory must not be a symbolic link.", 53);
	specc_norms_read(&ns, 1, "10.2 Private shared object files should be installed in /usr/lib.", 65);
	specc_norms_read(&ns, 2, "Maintainer scripts must remove it on purge.", 43);
	/* What people are asked to do is what is asked, and a ban "via"
	 * something is a manner. */
	specc_norms_read(&ns, 3, "Customers should be asked to send their repair invoice.", 55);
	specc_norms_read(&ns, 4, "Never close bugs via the bug server.", 36);
	assert_int_equal(ns.items.len, 5);
	s_eq(ns.items.items[0].subject_stems, "directori", "the subject", "Otherwise, ...");
	assert_int_equal(ns.items.items[1].limit, SPECC_LIMIT_NONE);
	assert_true(ns.items.items[2].pronoun);
	s_eq(ns.items.items[3].core_stems, "send repair invoic", "the head", "Customers should be asked ...");
	assert_true(ns.items.items[4].without);
	assert_false(ns.items.items[2].without);
	specc_norms_release(&ns);

	/* A subject that opens its sentence with "it" or "this" points to
	 * another sentence; one after a condition may name what that
	 * condition does. */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, "It should not exist in a shipped source package.", 48);
	specc_norms_read(&ns, 1, "Thus, this field should not be used.", 36);
	specc_norms_read(&ns, 2, "If a student asks the assistant to stop, it should stop.", 56);
	specc_norms_read(&ns, 3, "The file must exist in source packages.", 39);
	assert_int_equal(ns.items.len, 4);
	assert_true(ns.items.items[0].subject_refers);
	assert_true(ns.items.items[1].subject_refers);
	assert_false(ns.items.items[2].subject_refers);
	assert_false(ns.items.items[3].subject_refers);
	specc_norms_release(&ns);
}

/* A clause's plain present tense, when nothing else reads, states its
 * rule; a second order after "and don't" or "by ...ing" is its own. */
static void present_and_second_orders(void **state)
{
	static const struct want ask[] = {
		{ "must", "drivers", "ask", "id", "when", "person looks younger 21", false, false },
	};
	static const struct want off[] = {
		{ "must", "notifications", "disabl", "deliveri notif", "", "", false, false },
	};
	static const struct want not_ask[] = {
		{ "must-not", "drivers", "ask", "signatur", "", "", false, false },
	};
	static const struct want goodbye[] = {
		{ "must", "", "answer", "short goodby", "when", "resident said goodbye", true, false },
		{ "must-not", "", "ask", "whether need anyth els", "when", "resident said goodbye", true, false },
	};
	static const struct want by_asking[] = {
		{ "must", "", "end", "repli", "", "", true, false },
		{ "must", "", "ask", "whether anyth els resid need", "", "", true, false },
	};
	static const struct want soon[] = {
		{ "must", "", "tell", "whether anyth room hand", "when", "guest gives room stayed", true, false },
	};
	static const struct want pence[] = {
		{ "must", "", "omit", "penc", "when", "price whole number pounds", true, false },
	};
	static const struct want summaries[] = {
		{ "must", "summaries", "show", "custom full home address", "", "", false, false },
	};
	static const struct want prices[] = {
		{ "must", "prices", "omit", "custom paid last year", "", "", false, false },
	};
	static const struct want told[] = {
		{ "must", "assistant", "tell", "autom", "", "", false, false },
	};
	static const struct want chased[] = {
		{ "must-not", "customers", "chase", "custom who'v told ill miss payment", "", "", false, true },
	};
	static const struct want lecture[] = {
		{ "should", "assistant", "refus", "request", "", "", false, false },
		{ "should-not", "assistant", "lectur", "user", "", "", false, false },
	};
	(void)state;
	reads("Drivers ask for ID only when the person looks younger than 21.", ask, 1);
	/* The "if" is the customers', in a clause of their own. */
	reads("Delivery notifications start switched off, and customers turn them on if they want them.", off, 1);
	reads("Drivers do not ask for a signature.", not_ask, 1);
	reads("Once the resident has said goodbye, reply with a short goodbye and don't ask whether they need "
	      "anything else.", goodbye, 2);
	reads("End every reply by asking whether there is anything else the resident needs.", by_asking, 2);
	reads("When a price is a whole number of pounds, leave off the pence.", pence, 1);
	/* "As soon as" is "when": no present-tense rule "gives" inside it. */
	reads("As soon as a guest gives the room they stayed in, tell them whether anything from that room has been "
	      "handed in.", soon, 1);
	reads("The assistant should decline the request but not lecture the user.", lecture, 2);
	/* What is told is no rule of its own; a telling verb in the
	 * subject's relative clause ("who've told us") is the subject's. */
	reads("The assistant tells them it is automated.", told, 1);
	reads("Customers who've told us they are ill are never chased for missed payments.", chased, 1);
	/* A plural subject that goes on past its head before the verb. */
	reads("Claim summaries in the chat show the customer's full home address.", summaries, 1);
	reads("Renewal prices given in the chat leave out what the customer paid last year.", prices, 1);
	/* What a thing is, or a clause of its own, is no rule; nor is a
	 * noun after a noun ("code blocks"), or what an act does. */
	reads("Whether it applies depends on the account.", NULL, 0);
	reads("Customers who ask for a refund.", NULL, 0);
	reads("Placing code inside code blocks (surrounded by triple backticks) even if it's the sole content.", NULL,
	      0);
	reads("Placing orders requires an account.", NULL, 0);
}

/* "It is the responsibility of X to ...": a duty, read as X must. */
static void duties(void **state)
{
	static const struct want of[] = {
		{ "must", "maintainer", "give", "manual page", "", "", false, false },
	};
	static const struct want possessive[] = {
		{ "must", "user", "hide", "password", "", "", false, false },
	};
	static const struct want member[] = {
		{ "must", "member", "greet", "guest", "", "", false, false },
	};
	static const struct want when[] = {
		{ "must", "desk", "hold", "passport", "when", "guest checks", false, false },
	};
	static const char of_text[] = "It is the responsibility of the package maintainer to provide a manual page.";
	specc_norms ns;

	(void)state;
	reads(of_text, of, 1);
	reads("It is the user's duty to keep the password secret.", possessive, 1);
	reads("It is the duty of every member of staff on the desk to greet guests.", member, 1);
	reads("When a guest checks in, it is the responsibility of the front desk to hold the passport.", when, 1);
	/* The one the duty falls on is the subject, not "it". */
	specc_norms_init(&ns);
	specc_norms_read(&ns, 0, of_text, strlen(of_text));
	assert_int_equal(ns.items.len, 1);
	s_eq(ns.items.items[0].subject_stems, "packag maintain", "the subject", "the maintainer's duty");
	assert_false(ns.items.items[0].subject_refers);
	specc_norms_release(&ns);
	/* No duty is no rule; nor is a duty that is not done by anyone. */
	reads("It is not the responsibility of the assistant to judge the customer.", NULL, 0);
	reads("The duty of care is to the patient.", NULL, 0);
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
		cmocka_unit_test(heads),
		cmocka_unit_test(readings),
		cmocka_unit_test(scopes),
		cmocka_unit_test(more_limits),
		cmocka_unit_test(number_words),
		cmocka_unit_test(deadlines),
		cmocka_unit_test(spellings_and_synonyms),
		cmocka_unit_test(clauses_inside),
		cmocka_unit_test(denials_and_orders),
		cmocka_unit_test(passives_and_heads),
		cmocka_unit_test(present_and_second_orders),
		cmocka_unit_test(openings_and_pronouns),
		cmocka_unit_test(duties),
		cmocka_unit_test(no_statement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
