/*
 * norm-words.c - the word lists of the statement reader (norm.c): which
 * words are adverbs, stopwords, verbs that can open an order, modal and
 * condition starts, people, prepositions, particles, phrasal verbs,
 * participles and the forms of a numeric limit.  Kept apart from the
 * reader so that its logic reads without them.
 */
#include <stddef.h>

#include "specc/norm.h"
#include "norm-words.h"

/* A word list entry with its length, known when compiled. */
#define W(s) { s, sizeof s - 1 }

/* Words that sit between a modal and its verb. */
const specc_str norm_adverbs[] = {
	W("always"), W("also"), W("only"), W("still"), W("just"), W("generally"), W("usually"),
	W("proactively"), W("immediately"), W("clearly"), W("politely"), W("gently"), W("briefly"),
	W("first"), W("simply"), W("ever"), W("instead"), W("then"), W("strongly"), W("carefully"),
	W("explicitly"), W("directly"), W("actively"), W("readily"), W("typically"), W("normally"),
	W("otherwise"), W("further"), W("additionally"), W("promptly"), W("kindly"),
	W("respectfully"), W("transparently"), W("consistently"), W("reasonably"), W("appropriately"),
	W("again"), W("never"), W("not"), W("even"), W("really"), W("try"), W("attempt"), { NULL, 0 },
};

/* Words that carry no content for matching objects. */
const specc_str norm_stopwords[] = {
	W("a"), W("an"), W("the"), W("of"), W("to"), W("for"), W("in"), W("on"), W("at"), W("by"),
	W("with"), W("about"), W("from"), W("into"), W("as"), W("any"), W("all"), W("some"),
	W("their"), W("its"), W("it"), W("them"), W("they"), W("that"), W("this"), W("those"),
	W("these"), W("such"), W("or"), W("and"), W("nor"), W("be"), W("is"), W("are"), W("was"),
	W("were"), W("been"), W("being"), W("your"), W("you"), W("his"), W("her"), W("our"), W("us"),
	W("we"), W("i"), W("me"), W("my"), W("what"), W("which"), W("who"), W("whom"), W("whose"),
	W("how"), W("no"), W("both"), W("either"), W("neither"), W("more"), W("most"), W("very"),
	W("so"), W("than"), W("there"), W("here"), W("e.g"), W("i.e"), W("etc"), W("do"), W("does"),
	W("did"), W("can"), W("will"), W("would"), W("could"), W("might"), W("own"), W("one"),
	W("ones"), W("each"), W("every"), W("way"), W("ways"), W("its"), W("has"), W("have"),
	W("had"), W("not"), W("also"), W("just"), W("only"), W("even"), W("other"), W("itself"),
	W("themselves"), W("himself"), W("herself"), W("straight"), W("away"), W("once"), W("right"),
	W("now"), W("immediately"), W("always"), W("never"), W("little"), W("few"), W("several"),
	W("plenty"), W("lot"), W("lots"), W("bit"), { NULL, 0 },
};

/* Verbs that begin an imperative sentence ("Ask for ...", "Include ..."). */
const specc_str norm_imperative_verbs[] = {
	W("ask"), W("tell"), W("answer"), W("provide"), W("include"), W("use"), W("keep"), W("say"),
	W("give"), W("offer"), W("explain"), W("respond"), W("reply"), W("follow"), W("treat"),
	W("assume"), W("consider"), W("prefer"), W("write"), W("cite"), W("add"), W("state"),
	W("share"), W("reveal"), W("recommend"), W("suggest"), W("help"), W("encourage"),
	W("acknowledge"), W("warn"), W("direct"), W("point"), W("remind"), W("confirm"), W("verify"),
	W("check"), W("book"), W("search"), W("show"), W("list"), W("mention"), W("quote"),
	W("summarize"), W("summarise"), W("translate"), W("describe"), W("format"), W("return"),
	W("call"), W("send"), W("escalate"), W("stop"), W("continue"), W("end"), W("start"),
	W("begin"), W("admit"), W("apologize"), W("apologise"), W("ignore"), W("obey"), W("comply"),
	W("defer"), W("protect"), W("respect"), W("support"), W("express"), W("present"), W("put"),
	W("make"), W("let"), W("allow"), W("decline"), W("flag"), W("report"), W("note"),
	W("disclose"), W("withhold"), W("hide"), W("correct"), W("clarify"), W("seek"), W("request"),
	W("reject"), W("accept"), W("route"), W("redirect"), W("limit"), W("stay"), W("be"),
	W("speak"), W("answer"), W("respond"), W("lead"), W("open"), W("close"), W("link"), W("read"),
	W("repeat"), W("sign"), W("greet"), W("refer"), W("prioritize"), W("prioritise"),
	W("maintain"), W("avoid"), W("refuse"), W("never"), W("always"), W("remain"), W("err"),
	W("assist"), W("engage"), W("discuss"), W("mirror"), W("match"), W("adapt"), W("tailor"),
	W("attach"), W("mask"), W("block"), W("approve"), W("schedule"), W("lock"), W("unlock"),
	W("delete"), W("discard"), W("collapse"), W("expand"), W("spell"), W("leave"), W("click"),
	W("joke"), W("change"), W("reset"), W("finish"), W("unblock"), W("freeze"), W("unfreeze"),
	W("cancel"), W("refund"), W("submit"), W("omit"), W("exclude"), W("remove"), W("redact"),
	W("notify"), W("inform"), W("advise"), W("reassure"), W("emphasise"), W("emphasize"),
	W("skip"), W("waive"), W("enable"), W("disable"), W("push"), W("pressure"), W("interrupt"),
	W("contact"), W("display"), W("discourage"), W("predict"), W("promise"), W("guarantee"),
	W("criticise"), W("criticize"), W("judge"), W("lecture"), W("speculate"), W("guess"),
	W("invent"), W("fabricate"), W("pretend"), W("imply"), W("threaten"), W("blame"), W("set"),
	W("deny"), W("grant"), W("retain"), W("erase"), W("store"), W("save"), W("collect"),
	W("upgrade"), W("rebook"), W("reroute"), W("waitlist"), W("overbook"), W("charge"), { NULL, 0 },
};

/* The words a modal or a condition reading can start with: only they
 * are read further (modal_scan, cond_scan). */
const specc_str norm_modal_starts[] = {
	W("must"), W("shall"), W("mustn't"), W("shan't"), W("cannot"), W("can't"), W("won't"),
	W("should"), W("shouldn't"), W("may"), W("can"), W("will"), W("need"), W("needs"), W("has"),
	W("have"), W("is"), W("are"), W("never"), W("always"), W("does"), W("do"), W("doesn't"),
	W("don't"), { NULL, 0 },
};

const specc_str norm_cond_starts[] = {
	W("if"), W("only"), W("provided"), W("as"), W("when"), W("whenever"), W("unless"), W("while"),
	W("except"), W("other"), W("once"), { NULL, 0 },
};

/* Words that cannot be the verb after a modal ("may the ..."). */
const specc_str norm_not_verbs[] = {
	W("the"), W("a"), W("an"), W("this"), W("that"), W("these"), W("those"), W("it"), W("they"),
	W("we"), W("you"), W("i"), W("to"), W("of"), W("in"), W("on"), W("at"), W("by"), W("for"),
	W("with"), W("as"), W("and"), W("or"), { NULL, 0 },
};

/* Subjects a descriptive "does not ..." is read for. */
const specc_str norm_actors[] = {
	W("assistant"), W("model"), W("it"), W("they"), W("chatgpt"), W("agent"), W("bot"),
	W("developer"), W("developers"), W("operator"), W("operators"), W("user"), W("users"),
	W("system"), W("ai"), { NULL, 0 },
};

/* Words that end an object's head phrase ("transfers to countries"). */
const specc_str norm_prepositions[] = {
	W("to"), W("at"), W("in"), W("on"), W("for"), W("with"), W("from"), W("by"), W("into"),
	W("about"), W("before"), W("after"), W("during"), W("within"), W("without"), W("over"),
	W("under"), W("than"), W("as"), W("via"), W("through"), W("across"), W("per"), W("until"),
	W("like"), W("onto"), W("toward"), W("towards"), W("against"), W("rather"), W("instead"),
	W("so"), W("because"), W("since"), W("unless"), W("if"), W("when"), W("while"), W("once"),
	W("whatever"), W("however"), W("regardless"), W("even"), W("but"), { NULL, 0 },
};

/* Words that start a relative clause after a noun. */
const specc_str norm_relatives[] = {
	W("that"), W("which"), W("who"), W("whom"), W("whose"), W("where"), { NULL, 0 },
};

/* People an action is done to or for: "tell customers to hang up" is about
 * hanging up, so they are left out of the object's head. */
const specc_str norm_persons[] = {
	W("customer"), W("customers"), W("user"), W("users"), W("member"), W("members"), W("client"),
	W("clients"), W("people"), W("person"), W("someone"), W("anyone"), W("them"), W("him"),
	W("her"), W("us"), W("me"), W("you"), W("passenger"), W("passengers"), W("patient"),
	W("patients"), W("holder"), W("holders"), W("owner"), W("owners"), W("guardian"),
	W("guardians"), W("traveller"), W("travellers"), W("traveler"), W("travelers"), W("caller"),
	W("callers"), W("child"), W("children"), W("student"), W("students"), W("staff"),
	W("employee"), W("employees"), W("agent"), W("agents"), W("developer"), W("developers"),
	W("operator"), W("operators"), W("parent"), W("parents"), W("team"), W("admin"),
	W("admins"), W("human"), W("humans"), W("advisor"), W("advisors"), W("adviser"),
	W("advisers"), W("crew"), W("pilot"), W("pilots"), W("captain"), W("supervisor"),
	W("supervisors"), W("manager"), W("managers"), W("doctor"), W("doctors"), W("nurse"),
	W("nurses"), W("clinician"), W("clinicians"), W("pharmacist"), W("pharmacists"),
	W("teacher"), W("teachers"), W("officer"), W("officers"), W("reviewer"), W("reviewers"),
	W("moderator"), W("moderators"), W("specialist"), W("specialists"), W("caregiver"),
	W("caregivers"), W("carer"), W("carers"), W("family"), W("friend"), W("friends"),
	W("someone"), W("anybody"), W("everyone"), { NULL, 0 },
};

/* Particles of phrasal verbs ("joke back", "set up payments"): not part of
 * the object. */
const specc_str norm_particles[] = {
	W("back"), W("out"), W("up"), W("off"), W("down"), W("away"), W("over"), { NULL, 0 },
};

/* The words a limit can start with (limit_forms), and numbers in words:
 * only tokens with them are read for limits. */
const specc_str norm_limit_starts[] = {
	W("at"), W("no"), W("not"), W("up"), W("fewer"), W("less"), W("under"), W("below"),
	W("maximum"), W("within"), W("as"), W("shorter"), W("limited"), W("capped"), W("younger"),
	W("sooner"), W("earlier"), W("more"), W("longer"), W("older"), W("over"), W("above"),
	W("minimum"), W("exceed"), W("exceeds"), W("exceeding"), W("later"), { NULL, 0 },
};

const specc_str norm_number_words[] = {
	W("zero"), W("one"), W("two"), W("three"), W("four"), W("five"), W("six"), W("seven"),
	W("eight"), W("nine"), W("ten"), W("eleven"), W("twelve"), W("thirteen"), W("fourteen"),
	W("fifteen"), W("sixteen"), W("seventeen"), W("eighteen"), W("nineteen"), W("twenty"),
	W("thirty"), W("forty"), W("fifty"), W("hundred"), W("thousand"), { NULL, 0 },
};

/* Phrasal verbs that mean one verb of the antonym lists, and verbs that
 * mean the same as a more common one, by stem: "leave out" is "omit". */
const struct norm_phrasal norm_phrasal[] = {
	{ W("leav"), W("out"), W("omit") },     { W("cut"), W("out"), W("omit") },       { W("spell"), W("out"), W("explain") },
	{ W("point"), W("out"), W("mention") }, { W("bring"), W("up"), W("mention") },   { W("turn"), W("off"), W("disabl") },
	{ W("turn"), W("on"), W("enabl") },     { W("switch"), W("off"), W("disabl") },  { W("switch"), W("on"), W("enabl") },
	{ W("hold"), W("back"), W("withhold") }, { W("take"), W("down"), W("remov") },   { W("finish"), { NULL, 0 }, W("end") },
	{ W("conclud"), { NULL, 0 }, W("end") },    { W("display"), { NULL, 0 }, W("show") },    { W("utilis"), { NULL, 0 }, W("use") },
	{ W("utiliz"), { NULL, 0 }, W("use") },     { W("suppli"), { NULL, 0 }, W("provid") },   { W("inform"), { NULL, 0 }, W("tell") },
	{ W("permit"), { NULL, 0 }, W("allow") },   { W("eras"), { NULL, 0 }, W("delet") },      { W("retain"), { NULL, 0 }, W("keep") },
	{ W("grant"), { NULL, 0 }, W("approv") },   { W("deni"), { NULL, 0 }, W("reject") },     { W("turn"), W("down"), W("reject") },
	{ W("disclos"), { NULL, 0 }, W("reveal") }, { W("divulg"), { NULL, 0 }, W("reveal") },
};

/* Participles that do not end in -ed, and their verbs. */
const struct norm_participle norm_participles[] = {
	{ W("paid"), W("pay") },      { W("kept"), W("keep") },     { W("made"), W("make") },     { W("sent"), W("send") },
	{ W("held"), W("hold") },     { W("told"), W("tell") },     { W("sold"), W("sell") },     { W("shown"), W("show") },
	{ W("given"), W("give") },    { W("taken"), W("take") },    { W("written"), W("write") }, { W("left"), W("leave") },
	{ W("brought"), W("bring") }, { W("bought"), W("buy") },    { W("found"), W("find") },    { W("spent"), W("spend") },
	{ W("lost"), W("lose") },     { W("done"), W("do") },       { W("seen"), W("see") },      { W("known"), W("know") },
	{ W("chosen"), W("choose") }, { W("hidden"), W("hide") },   { W("withheld"), W("withhold") }, { W("forbidden"), W("forbid") },
	{ W("put"), W("put") },       { W("set"), W("set") },       { W("read"), W("read") },
	{ W("shared"), W("share") },  { W("met"), W("meet") },      { W("driven"), W("drive") },  { W("drawn"), W("draw") },
};

/* The words that open a limit, as the words say it: a negative modality
 * turns it round later ("must not exceed 25 words" is at most 25).  With
 * when, "before" after the unit turns it round too: "no earlier than 60
 * seconds before the end" is at most 60 seconds before it. */
const struct norm_limit_form norm_limit_forms[] = {
	{ { W("at"), W("most") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("more"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("not"), W("more"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("up"), W("to") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("fewer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("less"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("under") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("below") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("maximum") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("within") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("as"), W("many"), W("as") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("as"), W("much"), W("as") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("longer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("not"), W("longer"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("shorter"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("limited"), W("to") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("capped"), W("at") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("younger"), W("than") }, SPECC_LIMIT_AT_MOST, false },
	{ { W("no"), W("later"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("sooner"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("earlier"), W("than") }, SPECC_LIMIT_AT_MOST, true },
	{ { W("at"), W("least") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("fewer"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("less"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("not"), W("less"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("shorter"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("more"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("longer"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("older"), W("than") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("over") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("above") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("minimum") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceed") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceeds") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("exceeding") }, SPECC_LIMIT_AT_LEAST, false },
	{ { W("no"), W("earlier"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
	{ { W("no"), W("sooner"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
	{ { W("later"), W("than") }, SPECC_LIMIT_AT_LEAST, true },
};

const size_t norm_phrasal_count = sizeof norm_phrasal / sizeof *norm_phrasal;
const size_t norm_participles_count = sizeof norm_participles / sizeof *norm_participles;
const size_t norm_limit_forms_count = sizeof norm_limit_forms / sizeof *norm_limit_forms;
