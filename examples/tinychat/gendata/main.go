// Command gendata generates the training and held-out data of the tinychat
// example: a terse chatbot with a dry, friendly, slightly cheeky personality
// that answers in one or two words.
//
// Every intent below is a response plus a few templates (see
// phrase.Expand for the syntax). The generator expands the templates,
// adds spelling variants of contractions ("what's", "whats", "what is"),
// optional fillers ("hey", "so", "um") and punctuation, samples a balanced
// number of lines per response and adds typo variants of some of them.
// Nonsense queries (random letters, keyboard mashes, word salads) get the
// catch-all answer WHAT?.
//
// The held-out set is built the same way from a separate pool of templates
// that the training set never uses, and any held-out query that also occurs
// in the training set is dropped. With -extend, after the held-out set is
// drawn, the training set is extended (phrase.Extension, from streams of
// their own, so the held-out set stays the same): further templates (more), one noisy copy per line
// (a typo, a word dropped, two words swapped, a space lost or added, a
// salad word put in) and more nonsense over a larger salad. No training
// phrasing uses a word only the held-out templates use (heldOnlyWords in
// the tests).
//
// Usage:
//
//	go run ./examples/tinychat/gendata -o examples/tinychat/data [-seed N] [-extend]
package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"mulm/examples/internal/phrase"
)

// Alphabet is every character a response may use.
const Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ?"

// Sizes of the generated sets.
const (
	trainCap     = 300 // most training lines per response
	trainMin     = 150 // small intents are topped up with typos to this
	heldCap      = 14  // most held-out lines per response
	nonsenseSize = 600 // nonsense candidates generated for the catch-all
	moreCap      = 120 // most lines per response from the further templates
	noiseRatio   = 1   // noisy copies per training line
	moreNonsense = 300 // extra nonsense lines
)

// decor is a set of fillers put around a phrasing.
type decor struct{ pre, suf []string }

var (
	// chat: greetings, farewells, reactions.
	chat = decor{
		pre: []string{"", "oh ", "well ", "hey "},
		suf: []string{"", "!", "!!", ".", " :)"},
	}
	// ask: questions.
	ask = decor{
		pre: []string{"", "hey ", "so ", "um ", "hey bot "},
		suf: []string{"", "?", " ?", "??", "?!"},
	}
	// say: statements and requests.
	say = decor{
		pre: []string{"", "hey ", "so ", "um ", "well "},
		suf: []string{"", ".", "!", "..."},
	}
)

// intent is one response and the ways to ask for it.
type intent struct {
	resp  string
	decor decor
	train []string // templates of the training set
	held  []string // templates of the held-out set only
}

// nonsense is the catch-all response; its queries come from phrase.Gibberish.
const nonsense = "WHAT?"

var intents = []intent{
	{"HI", chat, []string{
		"{hi|hello|hey|hiya|howdy|yo|heya|sup|hey there|hi there|hello there|greetings|hallo|hullo|helo}",
		"{hi|hello|hey|yo} {bot|robot|friend|buddy|pal|mate|you}",
		"good {morning|afternoon|evening|day}",
		"{what's up|wassup|what's good|whats cooking}",
		"nice to meet you", "{anyone|anybody} {there|home}",
	}, []string{"well hello", "ahoy", "top of the morning", "salutations", "hi again", "hey hey", "hello hello", "morning"}},

	{"BYE", chat, []string{
		"{bye|goodbye|good bye|bye bye|cya|see ya|later|laters|farewell|ciao|adios|ttyl|goodnight|good night|night night}",
		"see you {later|soon|tomorrow|around}",
		"{gotta|i have to|i need to|i must} {go|run|leave}",
		"i'm {leaving|off|out of here|going now}",
		"{talk to|catch} you later",
		"{bye|goodbye} {bot|robot|friend|buddy}",
		"have a {nice|good|great} {day|night|one}",
	}, []string{"so long", "peace out", "i'm heading out", "until next time", "take care", "toodles", "i'm logging off"}},

	{"IM FINE", ask, []string{
		"how are you [doing] [today]",
		"how's it going", "how's life", "how's your day [going]",
		"how do you {feel|do}", "how are you feeling",
		"how are things", "how have you been", "how you doing",
		"are you {ok|okay|alright|well|good}", "you {ok|good|alright}", "what's new",
	}, []string{"how goes it", "all good with you", "are you doing well", "how's everything", "how's your evening", "you feeling okay"}},

	{"A BOT", ask, []string{
		"what are you", "who are you",
		"are you {a robot|a bot|a machine|a computer|an ai|a human|human|a person|real|alive|a program|a chatbot}",
		"what kind of {thing|bot|program} are you",
		"is this a {bot|robot|real person|human}",
		"am i talking to a {bot|robot|human|person|machine}",
		"you're a {robot|bot|machine}",
		"are you real or fake",
	}, []string{"are you artificial", "are you human or machine", "tell me what you are", "are you a cyborg", "is anyone real here", "are you made of code"}},

	{"MULM", ask, []string{
		"what's your name", "your name", "tell me your name", "name please",
		"do you have a name", "got a name",
		"what {are you called|should i call you|do i call you|do people call you}",
		"who am i talking to", "how should i call you",
	}, []string{"may i know your name", "what name do you go by", "introduce yourself", "do you go by a name", "and you are"}},

	{"OLD ENOUGH", ask, []string{
		"how old are you", "what's your age", "your age", "what age are you",
		"when were you {born|made|built|created}",
		"are you {old|young}", "how many years old are you",
		"when is your birthday", "what year were you born", "are you older than me",
	}, []string{"what is your birth year", "are you a teenager", "how long have you existed", "are you ancient", "what's your date of birth"}},

	{"IN A CHIP", ask, []string{
		"where do you live", "where are you [from|right now]",
		"where {is your home|do you stay|are you located|are you based}",
		"where's your house", "do you have a home", "where do you come from",
		"where do you sleep", "what's your address", "where are you hiding",
	}, []string{"what's your location", "whereabouts are you", "where is your home town", "what country are you in", "where do you hang out"}},

	{"A NERD", ask, []string{
		"who made you",
		"who {built|created|programmed|wrote|coded|designed|invented|trained} you",
		"who's your {creator|maker|dad|father|mom|mother|owner|boss|programmer}",
		"who owns you", "who is behind you", "what company made you",
	}, []string{"who is responsible for you", "who brought you to life", "whose bot are you", "who's your developer", "who put you together"}},

	{"YES", ask, []string{
		"is {water wet|fire hot|ice cold|snow cold|the sky blue|the earth round|the sun hot|the sun a star|grass green|the ocean salty|pizza tasty}",
		"are you {happy|awake|there|listening|online|here|ready|working|paying attention}",
		"do you {like|love} {cats|dogs|pizza|music|me|people|games|chess|cake|chocolate|books|movies|puzzles|math|computers|robots|summer|ice cream|candy}",
		"can you {read|count|spell|talk|type|hear me|see this}",
		"{are|is} {cats|dogs|puppies|kittens} cute",
		"is {chocolate|pizza|summer|music|coding} {good|great|fun}",
	}, []string{"is the grass green outside", "do you enjoy music", "are you fond of cats", "is a circle round", "is sugar sweet", "do you like sunshine", "are you awake right now"}},

	{"NO", ask, []string{
		"is the {earth flat|sky green|sun cold|moon made of cheese|ocean sweet|grass purple}",
		"can {pigs|cows|fish|dogs|rocks} fly",
		"do you {eat|sleep|drink|breathe|have a body|have legs|have a car|have friends|have a job|pay taxes|need sleep|get tired|cry|sweat}",
		"do you like {mondays|homework|spiders|bugs|taxes|rain|traffic|spam|broccoli|viruses|noise|waiting}",
		"are you {sad|angry|mad|tired|bored|lonely|sick|busy|scared|hungry|sleepy|asleep|evil|dangerous|upset}",
		"can you {fly|swim|drive|cook|dance|sing|run|walk|jump|taste|smell}",
		"will you {marry me|go out with me|date me|take over the world}",
	}, []string{"are you grumpy", "do you ever get sleepy", "is the moon square", "can elephants fly", "do you own a car", "can you ride a bike", "do you enjoy tax season"}},

	{"MAYBE", ask, []string{
		"will it {rain|snow|be sunny} [today|tomorrow]",
		"will i {be rich|win|pass|get the job|find love|be famous|be happy|win the lottery}",
		"am i {right|lucky|a genius}",
		"should i {go|do it|buy it|stay|quit|call her|call him|text her|try}",
		"is it {true|possible|worth it|a good idea|going to work}",
		"{do|does} {aliens|ghosts|unicorns|bigfoot|dragons} exist",
		"{are aliens|are ghosts|is santa|is bigfoot} real",
		"can i {win|do it|trust you}",
		"will {we|they} win",
	}, []string{"is it likely", "might it rain later", "are mermaids real", "will the market go up", "will my plan work", "do you think i should", "is there life on mars"}},

	{"WHY?", say, []string{
		"{do|finish|write} my homework",
		"{give|send} me {money|your password|a million dollars|cash|a cookie}",
		"tell me a secret",
		"{be quiet|stop talking|go away|leave me alone}",
		"{dance|sing|jump|spin|bark} [for me]",
		"{clean|tidy} my room", "{do|make} {my bed|dinner|my taxes}",
		"{delete|erase} yourself", "turn yourself off", "self destruct",
		"{say it|do it} again", "repeat after me",
		"tell me a joke", "{know|got} any jokes", "make me laugh", "say something funny",
		"{no|nope|nah|never}",
	}, []string{"fetch me a coffee", "pay my rent", "wash the dishes", "walk my dog", "shut down now", "crack a joke", "amuse me"}},

	{"OK", say, []string{
		"{ok|okay|k|kk|alright|all right|fine|sure|right|got it|understood|noted|roger|fair enough|whatever}",
		"{yes|yeah|yep|yup|ya}",
		"{wait|brb|be right back|never mind|nvm|forget it|moving on|anyway|i see|if you say so}",
		"{one|give me a|just a} {sec|second|minute}",
		"{hang|hold} on [a sec]", "i'm back",
		"let's {go|start|begin|play|talk}", "listen [to me]",
	}, []string{"affirmative", "sounds good", "i get it", "back again", "just a moment", "let's do this", "makes sense"}},

	{"THANKS", say, []string{
		"you're {smart|cool|awesome|great|nice|the best|clever|cute|amazing|sweet|brilliant|a genius|kind|fun|my friend|helpful|adorable}",
		"{good|nice|great|smart|clever} {bot|robot|job|answer}",
		"i {like|love} you", "love you",
		"{well done|nice work|bravo|you rock|respect|impressive|not bad}",
		"i'm {proud of you|your fan}",
	}, []string{"you're wonderful", "what a clever machine", "you're a legend", "such a good bot", "i admire you", "you're pretty neat", "big fan of you"}},

	{"ANYTIME", say, []string{
		"{thanks|thank you|thx|ty|tysm|thank u|thanks a lot|thanks so much|thank you so much|many thanks|cheers|much appreciated|thanks a bunch|thanks a ton}",
		"{thanks|thank you} {bot|robot|buddy|friend|for the help|for helping|for that|again}",
		"i appreciate {it|that|you|your help}",
		"that helped [a lot]", "you {helped|saved} me",
	}, []string{"much obliged", "grateful for that", "big thanks", "appreciate ya", "i owe you one", "thanks heaps"}},

	{"OUCH", say, []string{
		"you're {stupid|dumb|useless|boring|ugly|an idiot|a loser|lame|annoying|slow|the worst|terrible|weird|trash|garbage|pathetic|mean}",
		"{stupid|dumb|useless|lame|silly} {bot|robot|machine|computer}",
		"{shut up|you suck|i hate you|screw you|get lost|nobody likes you|loser|idiot|moron}",
		"i don't like you", "you're {so|very|really} {stupid|dumb|annoying}",
	}, []string{"you're a clown", "worst bot ever", "you're brainless", "i can't stand you", "you're a disappointment", "what a dumb machine"}},

	{"NO WORRIES", say, []string{
		"{sorry|so sorry|i'm sorry|my bad|oops|whoops|my mistake|apologies|i apologize|sry|soz|excuse me|my fault}",
		"sorry {about that|for that|bot|buddy|for being rude|for yelling|for the wait}",
		"i didn't mean it", "i take {it|that} back", "{please|can you} forgive me", "forgive me",
	}, []string{"pardon me", "sorry my friend", "i feel bad about that", "i regret saying that", "excuse my rudeness", "my apologies"}},

	{"SORRY", say, []string{
		"you're wrong",
		"that's {wrong|not right|incorrect|not true|a lie|false|not what i asked|not funny|not helpful|nonsense|rubbish}",
		"{wrong|incorrect|bad} answer",
		"you {lied|made a mistake|messed up|got it wrong|didn't answer|don't understand|never listen|broke it}",
		"that makes no sense", "you didn't help", "you're not helping", "try again",
	}, []string{"you misunderstood me", "that answer is off", "nope that is incorrect", "you got that backwards", "that was a bad reply", "you are mistaken"}},

	{"LOL", chat, []string{
		"{haha|hahaha|hehe|heh|lol|lmao|lmfao|rofl|lolol|xd|hah|ha ha}",
		"that's {funny|hilarious|so funny|a good one}",
		"you're {funny|hilarious}",
		"{good|nice|great|funny} joke",
		"i'm {laughing|dying|crying laughing}", "{so|very|too} funny", "you made me laugh",
	}, []string{"that cracked me up", "bahaha", "rotfl", "i can't stop laughing", "lol good one", "what a laugh"}},

	{"NO IDEA", ask, []string{
		"what time is it", "what day is it",
		"what's the {time|date|weather|news|score}",
		"what's {the capital of peru|the price of gold|the population of china|2 plus 2|the square root of 2|my name}",
		"who {is the president|won the game|invented the wheel|was first on the moon}",
		"how {far is the moon|tall is mount everest|many stars are there|do magnets work}",
		"when {is christmas|did the war end}", "why is the sky blue",
		"do you know {the answer|the time|where i live}",
	}, []string{"what is the boiling point of water", "who painted the mona lisa", "how deep is the ocean", "which year is it", "what's the capital of france", "how much does gold cost"}},

	{"HMM", ask, []string{
		"what is {love|life|the meaning of life|happiness|truth|reality|consciousness|the universe|the point}",
		"why {are we here|do we exist|do we die}",
		"is there a god", "what happens when we die", "are we in a simulation",
		"do you have {a soul|feelings|free will|a mind|dreams}",
		"do you {dream|think|believe in god}", "can machines think", "is {free will|time} real",
	}, []string{"what's the purpose of existence", "is reality an illusion", "why does anything exist", "do robots have souls", "what makes us human"}},

	{"COOL", say, []string{
		"i {have|got} a {dog|cat|new job|new car|girlfriend|boyfriend|bike|computer|puppy}",
		"i {won|passed|finished|made it|did it|graduated|got promoted|built a robot}",
		"i'm {a programmer|a student|a teacher|a doctor|an artist|a gamer|from france|learning go|getting married|on holiday}",
		"i {like|love} {pizza|cats|music|games|coding}",
		"{check this out|guess what|look at this}",
		"i made {a game|a website|dinner|a cake}",
	}, []string{"i just bought a house", "my team won", "i play the guitar", "i'm a chef", "i adopted a kitten", "i ran a marathon"}},

	{"ME TOO", say, []string{
		"i'm [so] {bored|tired|sleepy|hungry|sad|lonely|cold|thirsty|stressed|exhausted|confused|broke}",
		"i feel {bored|tired|sad|lonely|sick|lazy|old}",
		"i {need|want} {coffee|sleep|a nap|a break|a vacation|a hug|food}",
		"i {hate|don't like} {mondays|homework|work|school|rain|traffic}",
	}, []string{"i'm worn out", "i could use a nap", "i'm starving", "feeling gloomy today", "i'm freezing", "i dislike rainy days"}},

	{"TRY ME", ask, []string{
		"{help|help me|help please|i need help|sos|assist me|i need your help|i need advice}",
		"{can|could|will} you help [me]", "please help [me]",
		"{i have|can i ask} a question", "can i ask you something",
		"what can you do", "what are you good at", "what do you know", "are you useful",
	}, []string{"lend me a hand", "i could use some help", "any chance you can assist", "what are your skills", "may i ask you something"}},
}

// Word salads for the catch-all: words no intent uses. The held-out salad
// words are never used for training.
var (
	saladTrain = strings.Fields("purple sideways teapot gravel velvet noodle ladder pickle zebra " +
		"trombone wobbly jelly cactus umbrella seventeen tuesday marble spoon pancake fizz " +
		"glitter zigzag walrus quantum bonkers sprocket lantern")
	saladHeld = strings.Fields("marmalade tango crumble thursday bamboozle lopsided kaleidoscope " +
		"saxophone turnip wombat")
)

// classes turns the intents into sampler classes: the training templates
// (held == false) or the held-out ones, plus the nonsense class.
func classes(r *rand.Rand, heldOut bool) []phrase.Class {
	var cs []phrase.Class
	for _, in := range intents {
		tmpls, d := in.train, in.decor
		if heldOut {
			// Plain phrasings: no fillers, bare or with the first punctuation.
			tmpls, d = in.held, decor{pre: []string{""}, suf: d.suf[:2]}
		}
		c := phrase.Class{Resp: in.resp}
		for _, base := range phrase.ExpandAll(tmpls...) {
			c.Groups = append(c.Groups, phrase.Decorate(phrase.Contractions(base), d.pre, d.suf))
		}
		cs = append(cs, c)
	}
	salad := saladTrain
	if heldOut {
		salad = saladHeld
	}
	var junk []string
	for range nonsenseSize {
		junk = append(junk, phrase.Gibberish(r, salad))
	}
	return append(cs, phrase.Class{Resp: nonsense, Groups: [][]string{junk}})
}

// generate returns the training and held-out sets for seed.
func generate(seed uint64) (train, heldout []phrase.Pair) {
	r := rand.New(rand.NewPCG(seed, 0x74696e7963686174)) // "tinychat"
	train = phrase.Build(r, classes(r, false), phrase.Options{
		Cap: trainCap, TypoRatio: 0.25, MinPerClass: trainMin, MaxTypoRatio: 1.5,
	})
	heldout = phrase.Build(r, classes(r, true), phrase.Options{
		Cap: heldCap, TypoRatio: 0.15, Exclude: phrase.Keys(train),
	})
	return train, heldout
}

// generator writes the data files; see phrase.Generator.
var generator = &phrase.Generator{
	Name:      "tinychat",
	Alphabet:  Alphabet,
	Format:    "Format: query|RESPONSE per line; queries lower-case, responses use only " + fmt.Sprintf("%q", Alphabet) + ".",
	Generate:  generate,
	Extension: extension,
	TrainHeader: []string{
		"tinychat training set: a terse, dry, slightly cheeky chatbot.",
		"Templates with synonym slots, contraction spellings, fillers and punctuation,",
		"class-balanced, plus one-character typos; nonsense queries answer WHAT?.",
	},
	ExtendHeader: []string{
		"Then (-extend) further templates, one noisy copy per line (typo, word dropped, words",
		"swapped, spacing, a salad word put in) and more nonsense, drawn after the held-out set.",
	},
	HeldHeader: []string{
		"tinychat held-out set: phrasings from a template pool the training set never uses",
		"(and fresh nonsense); no query here occurs in train.txt. For measuring generalisation.",
	},
}

func main() { generator.Main() }

// more are further training templates per response, drawn after the
// held-out set (from a stream of their own) so that adding them leaves
// heldout.txt as it was; like the training templates they never use a
// word only the held-out templates use.
var more = map[string][]string{
	"HI":         {"{hi|hello|hey} {everyone|folks|all|again there}", "good to see you", "greetings {bot|friend}", "{hi|hey} how do you do", "well hi there", "yo yo"},
	"BYE":        {"{bye|goodbye} for now", "i'm going home", "time to {go|leave|sleep}", "{see|catch} you {then|again}", "i'm done for today", "gotta {bounce|split}", "i'm off to bed", "bye everyone"},
	"IM FINE":    {"how {are|r} things going", "how is your day", "how are you holding up", "are you doing {ok|okay|alright|fine}", "you doing {ok|good|alright}", "how's it been", "all ok"},
	"A BOT":      {"are you a {real|actual} {bot|robot|person}", "what {exactly|really} are you", "is this a machine", "are you a {computer|program} or a person", "who or what are you", "are you even real"},
	"MULM":       {"what do they call you", "what is your name again", "{tell|say} me who you are", "what name {should i say|do you have}", "name"},
	"OLD ENOUGH": {"how old {exactly|really} are you", "what is your {real|actual} age", "when {was|is} your birthday", "are you {very|really} old", "how many years have you been around"},
	"IN A CHIP":  {"where {exactly|really} do you live", "where are you {at|now}", "where is your {place|house|home}", "what place do you live in", "where do you {stay|work}"},
	"A NERD":     {"who {made|built|created} this {bot|thing|program}", "who is your {author|inventor|designer}", "who {wrote|coded|made} your program", "who gave you life", "who are your {makers|creators|parents}"},
	"YES":        {"{is|are} {kittens|puppies} {fluffy|cute}", "is the {sky|sea} blue", "do you like {the beach|walks|holidays}", "is {honey|candy} sweet", "are you {online|awake} now", "is fire {hot|warm}"},
	"NO":         {"can {cats|cars|trees} fly", "do you {eat|drink} {food|water|coffee}", "is the {sun|sky} green", "are you {hungry|sleepy|bored} now", "can you {bake|paint|ski}", "do you have {hands|a nose|a house}"},
	"MAYBE":      {"will it {work|happen}", "is it {real|true} or not", "will {i|we} {win|pass|succeed}", "{do|does} {ghosts|aliens} really exist", "should i {wait|stay home|go out}", "am i going to win"},
	"WHY?":       {"{do|make} my {chores|laundry}", "{bring|get} me {food|a drink|a pizza}", "{dance|sing|jump} now", "{tell|give} me a {secret|riddle}", "be silent", "stop {it|that}"},
	"OK":         {"{okay|ok|alright} then", "{sure|fine} thing", "{got it|understood} {thanks|bot}", "i {see|understand}", "right then", "no problem", "{cool|fine} with me"},
	"THANKS":     {"you are {so|very|really} {smart|cool|nice|kind|clever}", "{good|nice|great} {work|one|stuff}", "i {like|love} {talking to you|this bot}", "you're {awesome|the best} {bot|robot}", "you are my {hero|favorite}"},
	"ANYTIME":    {"{thanks|thank you} {very much|a million|for all of it}", "{cheers|thanks} {mate|pal}", "thank you for {that|this|your time}", "that was {helpful|useful}", "you {helped|saved} me a lot"},
	"OUCH":       {"you are {so|very|really} {dumb|stupid|useless|boring|annoying}", "{dumb|stupid|useless} {answer|thing}", "you're {rubbish|hopeless|the dumbest}", "i {hate|despise} this bot", "you are {a loser|an idiot}"},
	"NO WORRIES": {"{sorry|so sorry} {about that|for that|again}", "i'm {really|so} sorry", "{oops|whoops} {sorry|my bad}", "please forgive me", "sorry i was rude", "i said something {bad|mean}"},
	"SORRY":      {"{wrong|bad|incorrect} response", "you are {wrong|incorrect}", "that is not {right|true|correct}", "you {misread|missed} {that|it}", "that's {totally|completely} wrong"},
	"LOL":        {"{haha|hehe|lol} {nice|good|funny}", "{ha|haha} that's funny", "you're {so|very} funny", "that's {so|really} funny", "{lol|lmao|haha} {ok|yes}"},
	"NO IDEA":    {"what is the {time|date|weather} {now|today}", "who {won|invented|discovered} {it|that|fire}", "how {far|tall|old|hot} is the {sun|moon|earth}", "what is the capital of {spain|italy|japan}", "how many {people|stars|trees} are there"},
	"HMM":        {"what is the meaning of {it all|the world}", "why {do we live|are we alive}", "is {love|life|god} real", "do you have a {heart|soul|spirit}", "can a {machine|robot|computer} think"},
	"COOL":       {"i {got|have} a new {phone|house|dog|game}", "i {built|made|wrote} a {program|song|robot}", "i'm {a musician|a nurse|an engineer|from spain}", "i {won|finished} the {game|race}", "look what i made"},
	"ME TOO":     {"i'm {really|very} {tired|bored|hungry|sleepy}", "i feel {so|really} {tired|sad|bored}", "i {need|want} {a coffee|more sleep|a holiday}", "i {hate|don't like} {work|mornings|homework}", "so {tired|bored|sleepy}"},
	"TRY ME":     {"can you help me {please|now|out}", "i {need|want} {help|advice}", "{help|help me} please", "what {can|do} you {know|do}", "i have a question for you", "can you answer a question"},
}

// moreClasses turns the further templates into sampler classes, in the
// order of intents.
func moreClasses() []phrase.Class {
	var cs []phrase.Class
	for _, in := range intents {
		c := phrase.Class{Resp: in.resp}
		for _, base := range phrase.ExpandAll(more[in.resp]...) {
			c.Groups = append(c.Groups, phrase.Decorate(phrase.Contractions(base), in.decor.pre, in.decor.suf))
		}
		cs = append(cs, c)
	}
	return cs
}

// extension is what -extend adds to the training set, after the held-out
// set is drawn (see phrase.Extension): the further templates, noisy copies of every
// line (typos, word drops, swaps, spacing, an inserted salad word) and
// extra nonsense over a larger salad.
var extension = &phrase.Extension{
	Pools:       [][]phrase.Class{classes(rand.New(rand.NewPCG(0, 0)), false), classes(rand.New(rand.NewPCG(0, 0)), true)},
	More:        moreClasses(),
	MoreOptions: phrase.Options{Cap: moreCap, TypoRatio: 0.25},
	Noise:       phrase.AugmentOptions{Ratio: noiseRatio, Skip: []string{nonsense}, Words: phrase.SaladWords},
	CatchAll:    nonsense,
	Nonsense:    moreNonsense,
	Salad:       append(slices.Clone(saladTrain), phrase.SaladWords...),
}
