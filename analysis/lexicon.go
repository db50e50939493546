package analysis

import (
	"maps"
	"slices"
	"strings"
)

// cue is what a phrase in the lexicon signals.
type cue uint8

// Cues. The Leadership Principle cues come first so that cueLP0+i is
// LeadershipPrinciples[i].
const (
	cueLP0 cue = iota
	_          // 16 principles occupy cueLP0 .. cueLP0+15
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_
	_

	cueHedge      // "i think", "maybe"
	cueSituation  // "at my last company", "we had a problem"
	cueTask       // "my job was to", "i needed to"
	cueAction     // "so i", "first i", "i decided"
	cueResult     // "as a result", "in the end"
	cueResultWeak // "reduced", "shipped": a result only with other signs
	cueHypo       // "what I would do": a hypothetical, not a story
	cueChange     // "reduced", "from ... to": a number nearby is an impact
	cueVague      // "improved performance", "went well"
	cueTangent    // "anyway", "long story short"
	cueTeamScope  // "my team"
	cueMultiTeam  // "other teams", "shared library"
	cueOrg        // "across the company"
	cueActionVerb // past-tense verbs of doing, after "i" or "we"
	cueReason     // "because", "so that": ties a choice to a need

	// System design.
	cueRequirements
	cueScale
	cueDataModel
	cueFailure
	cueTradeoff
	cueObservability
	cueTool

	// Coding talk-through.
	cueClarify
	cueBruteForce
	cueComplexity
	cueEdgeCase
	cueWalkthrough

	cueCount
)

// LeadershipPrinciples are Amazon's 16 Leadership Principles by their
// official names, in Amazon's published order
// (https://www.amazon.jobs/content/en/our-workplace/leadership-principles).
var LeadershipPrinciples = [16]string{
	"Customer Obsession",
	"Ownership",
	"Invent and Simplify",
	"Are Right, A Lot",
	"Learn and Be Curious",
	"Hire and Develop the Best",
	"Insist on the Highest Standards",
	"Think Big",
	"Bias for Action",
	"Frugality",
	"Earn Trust",
	"Dive Deep",
	"Have Backbone; Disagree and Commit",
	"Deliver Results",
	"Strive to be Earth's Best Employer",
	"Success and Scale Bring Broad Responsibility",
}

// phrase is one lexicon entry: the words after the first one, and what the
// whole phrase signals.
type phrase struct {
	rest []string
	// restIDs are the vocabulary ids of rest, so that matching a phrase
	// compares small integers instead of strings.
	restIDs []uint16
	cue     cue
}

// wordClass is a set of the word lists below that a word belongs to.
type wordClass uint8

const (
	classFilledPause wordClass = 1 << iota
	classStop
	// classNumberStart words can begin a number said in words: "two",
	// "thirty", "a" (as in "a hundred"), "half", "doubled".
	classNumberStart
	// classActionVerb words are verbs of doing ("built", "rolled"): the
	// single words of the action-verb cue.
	classActionVerb
)

// vocabEntry is what the analyzer knows about one word.
type vocabEntry struct {
	word  string
	class wordClass
	// The lexicon phrases that start with the word: those of two words or
	// more grouped by their second word, and the word alone. Within a
	// group phrases are longest first; every group goes before the
	// singles, so a scan meets the phrases that can match in the order of
	// the whole sorted list.
	groups  []phraseGroup // by second word id
	singles []phrase
}

// phraseGroup is the phrases that share their first two words.
type phraseGroup struct {
	second  uint16
	phrases []phrase
}

// group returns the phrases whose second word has the given id.
func (e *vocabEntry) group(second uint16) []phrase {
	// A plain binary search: this runs for most tokens and the generic
	// slices.BinarySearchFunc with a closure costs twice as much here.
	lo, hi := 0, len(e.groups)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e.groups[m].second < second {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(e.groups) && e.groups[lo].second == second {
		return e.groups[lo].phrases
	}
	return nil
}

// vocab holds every word the lexicon and the word lists name, by id; id 0
// is the empty entry every unknown word gets. vocabIDs maps a word to its
// id. Each token is looked up once, when it is made, and the rules then
// use the id. Both are built once at package init and never written
// afterwards.
var vocab, vocabIDs = buildVocab(buildLexicon())

// cueText lists the phrases for each cue, one per line, "|" separated.
// Inflections are spelled out: matching is exact, so "kafka" does not
// match "kafkaesque".
var cueText = map[cue]string{
	cueLP0 + 0:  `customer|customers|customer's|client|clients|user experience|end users|customer feedback|customer impact|customer complaints|for our users|the user's|users were complaining|customers were complaining|customer tickets|the customer experience|work backwards|worked backwards|working backwards`,
	cueLP0 + 1:  `took ownership|take ownership|i owned|owned it|on my own|nobody owned|no one owned|wasn't my job|not my job|wasn't my team|i volunteered|i stepped up|stepped in|i took responsibility|took it on|took that on|on my own time|long term|end to end|i drove`,
	cueLP0 + 2:  `simplify|simplified|simpler|automate|automated|automation|automating|invented|new approach|prototype|prototyped|built a tool|wrote a script|a script|reusable|shared library|self-service|self serve|removed the need|got rid of|eliminated`,
	cueLP0 + 3:  `the data showed|data showed|turned out i was right|my judgment|hypothesis|a/b test|ab test|experiment|validated|the numbers showed|i was right|made the call|gut feeling was`,
	cueLP0 + 4:  `learned|learnt|taught myself|read up|curious|new to me|studied|picked up|lesson|lessons|i didn't know|researched|deep dived|went and learned`,
	cueLP0 + 5:  `mentor|mentored|mentoring|coached|coaching|hired|hiring|onboarded|onboarding|junior|juniors|intern|interns|promoted|promotion|grow as|develop the|career growth|paired with`,
	cueLP0 + 6:  `quality|code review|code reviews|high bar|the bar|standards|test coverage|unit tests|integration tests|root cause|postmortem|post mortem|post-mortem|correction of error|coe|refused to ship|wouldn't ship|regression|regressions|zero defects`,
	cueLP0 + 7:  `vision|long-term vision|roadmap|whole company|across the org|platform|bold|ten x|10x|every team|company-wide|org-wide|north star|at scale`,
	cueLP0 + 8:  `quickly|right away|immediately|same day|that night|didn't wait|calculated risk|reversible|two-way door|two way door|within hours|within a day|hotfix|rolled back|roll back|rollback|moved fast|move fast`,
	cueLP0 + 9:  `cost|costs|budget|saved money|cheaper|without headcount|no extra headcount|reused|frugal|dollars|spend|aws bill|cloud bill|saving|savings`,
	cueLP0 + 10: `trust|transparent|transparency|admitted|my mistake|i was wrong|listened|apologized|apologised|honest|honestly told|one on one|one-on-one|relationship|rapport|kept them informed|kept everyone informed|over-communicated`,
	cueLP0 + 11: `dug into|dig into|digging into|dove into|dived into|the logs|logs|flame graph|profiled|profiler|profiling|traced|tracing|debugged|debugging|root caused|the query plan|went through the|looked at the data|anomaly|metrics showed|pcap|heap dump|thread dump`,
	cueLP0 + 12: `disagreed|disagree|pushed back|push back|pushing back|convinced|challenged|objected|disagree and commit|escalated|didn't agree|did not agree|stood my ground|committed to|made my case|argued`,
	cueLP0 + 13: `delivered|shipped|launched|on time|deadline|met the deadline|hit the deadline|went live|ahead of schedule|released|rolled out|on schedule|in production`,
	cueLP0 + 14: `morale|burnout|burned out|burnt out|work life|work-life|wellbeing|well-being|psychologically safe|psychological safety|inclusive|inclusion|on-call load|pager load|took care of the team|career|safe space`,
	cueLP0 + 15: `privacy|security|secure|accessibility|accessible|environment|environmental|carbon|energy use|community|ethical|ethics|compliance|gdpr|sustainable|sustainability|pii`,

	cueHedge: `i think|i guess|i suppose|i believe|maybe|probably|perhaps|possibly|hopefully|might|not sure|i'm not sure|i am not sure|i don't know|i dunno|somewhat|i feel like|more or less|i would say|i'd say|sort of guess|kinda|i assume`,

	cueSituation:  `at my last company|at my previous company|at my last job|at my previous job|in my last role|in my previous role|at the time|back then|back when|a few years ago|last year|two years ago|a couple of years ago|when i was|i was working|i was on|i was at|we were working|we were building|we had a|we had an|there was a|there was an|there were|the problem was|the issue was|the situation was|the context|some context|for context|background|our team owned|my team owned|our team was|my team was|i was a|i was the|i worked on|i worked at|was responsible for|the team was|we were seeing|customers were|users were|it was a|the system was|the service was|we owned|our service|we were`,
	cueTask:       `my task|my job was|my role was|my goal was|the goal was|our goal was|the task was|i needed to|i had to|i was asked to|i was tasked|i was supposed to|we needed to|we had to|needed to figure out|the challenge was|the ask was|the objective|the target was|was responsible for|i was responsible|it was on me|fell to me|had to decide|i wanted to|so the goal`,
	cueAction:     `so i|first i|then i|and then i|next i|i decided|i started|i went|i proposed|i suggested|i reached out|i set up|i built|i wrote|i created|i designed|i implemented|i added|i organized|i organised|i scheduled|i led|i drove|i pulled|i ran|i dug|i analyzed|i analysed|i spent|what i did|what i did was|the first thing i did|i personally|myself|i took|i made|i got|i talked|i spoke|i met|i asked|i called|i convinced|i pushed|i worked with|i paired|i put together|i moved|i changed|i rewrote|i split|i migrated|i automated|i fixed|i profiled|i traced|i went through|step one|step two|the next step`,
	cueResult:     `as a result|went from|after that|after about|after a few|after a couple|by the end|became|becomes|got it down|now handles|a month later|months later|weeks later|the next quarter|the following quarter|in the end|went smoothly|went fine|the result|the result was|the outcome|the outcome was|ended up|end result|resulted in|which meant|which led to|since then|after that we|after the change|after the launch|now we|now it|today it|today we|it's now|it is now|and now|went down|went up|dropped from|came down|brought down|zero incidents|was adopted|got adopted|got promoted|the impact|the impact was|impact was|we hit|we met|we launched|we shipped|went live|positive feedback|feedback was|they were happy|got recognized|got recognised|it worked|that worked|worked out|paid off|was successful`,
	cueResultWeak: `dropped|cut|cutting|reduced|increased|improved|lowered|saved|doubled|halved|tripled|much better|a lot better|way better|happier|much happier|a lot happier|fewer|no more|stopped|adopted|promoted|launched|shipped|learned|lesson|success`,
	cueHypo:       `what i would do|what i'd do|i would|i'd probably|i'd talk|i'd try|i'd make|i'd first|i usually|i generally|i typically|i tend to|i always try|i always|i try to|usually|generally|typically|in general|in those situations|in that situation i|my approach is|my approach would be`,
	cueChange:     `reduced|reduce|reducing|cut|cutting|dropped|drop|dropping|went down|went up|came down|brought down|brought it down|lowered|increased|increase|increasing|improved|improving|grew|growth|saved|saving|savings|from|down to|up to|to about|decreased|decrease|faster|slower|less|fewer|more|under|within|by|went from|shaved|boosted|raised|p99|p95|p50|latency|throughput|conversion|error rate`,
	cueVague:      `improved performance|improved the performance|improved things|improve things|improved efficiency|improved the efficiency|increased productivity|improved productivity|improved reliability|improved the reliability|improved stability|improved quality|improved the quality|improved the process|improved the experience|made it faster|made it better|made things better|made things faster|made it more efficient|made it more reliable|much better|a lot better|way better|so much better|a lot faster|much faster|way faster|way more|went well|went really well|went great|worked well|worked really well|worked great|was successful|was a success|was a big success|was a huge success|huge success|big success|huge impact|big impact|massive impact|significant impact|a lot of impact|significantly|dramatically|drastically|really good|really well|very well|everyone was happy|everybody was happy|everyone loved it|people loved it|the team was happy|stakeholders were happy|positive feedback|great feedback|good feedback|better results|great results|good results|a lot of value|lots of value|saved a lot of time|saved a ton of time|saved time|saved us a lot|a lot of time|a lot of money|helped a lot|helped a ton|made a difference|made a big difference`,
	cueTangent:    `anyway|anyways|long story short|to make a long story short|side note|on a side note|by the way|that's a whole other story|that's another story|a whole other story|different story|where was i|getting back to|going back to|back to the|i digress|but i digress|tangent|off on a tangent|fun fact|funny enough|funnily enough|unrelated|totally unrelated|not really related|not relevant|that's beside the point|besides the point|but yeah|but yeah anyway|oh and|oh also|which reminds me|speaking of|actually no wait|wait no|sorry i mean|let me back up|let me go back|i forgot to mention|i should mention|i should say|i should have said|reminded me|reminds me|podcast|podcasts|in college|in grad school|grad school|my first job|i love this question|great question|a whole different|a whole nother|i kind of miss|my dad|my mom|my sister|my brother|my wife|my husband|my kids|my nephew|on the weekends|on weekends|beers|side story|another time|a bit long sorry|sorry this is long|fun story|funny story|random but|crazy story|which is a whole|religious wars|as an aside|aside from that`,
	cueTeamScope:  `my team|our team|the team|the whole team|teammates|team's|the squad|my group|our group|my manager|our manager`,
	cueMultiTeam:  `other teams|another team|partner team|partner teams|two teams|three teams|four teams|five teams|several teams|multiple teams|many teams|a dozen teams|dozens of teams|teams|cross-team|cross team|cross-functional|cross functional|shared library|a library|a mechanism|the mechanism|mechanism|other services|downstream teams|upstream teams|sister team|neighboring team|neighbouring team|dependent teams|consumers|adopted by|used by other|product team|platform team|infra team|sre team|security team|ops team|the teams`,
	cueOrg:        `whole company|entire company|across the company|company-wide|companywide|company wide|across the org|across the organization|across the organisation|org-wide|org wide|the whole org|the entire org|whole org|whole organization|whole organisation|entire organization|every team|all teams|all the teams|all engineering|entire engineering|the whole engineering|every service|all services|the vp|our vp|a vp|the director|directors|senior leadership|leadership team|company standard|default for|became the standard|became the default|org standard|other orgs|other organizations|across orgs`,
	cueActionVerb: `held|built|wrote|designed|implemented|created|added|set|started|led|drove|organized|organised|proposed|suggested|convinced|talked|spoke|met|reached|analyzed|analysed|dug|investigated|profiled|debugged|fixed|refactored|migrated|rolled|deployed|automated|reviewed|changed|moved|split|rewrote|put|made|ran|pulled|scheduled|asked|called|escalated|pushed|decided|chose|prototyped|tested|measured|benchmarked|documented|presented|pitched|negotiated|mentored|coached|paired|replaced|introduced|worked|used|looked|went|got|took|gave|sat|prioritized|prioritised|removed|broke|identified|found|noticed|realized|realised|traced|instrumented|reproduced|drafted|emailed|followed|volunteered|stepped|owned|partnered|aligned|kicked|came|figured|tried|shipped|launched|released|wrapped|sketched|mapped|compared|modeled|modelled|cleaned|tuned|optimized|optimised|cached|sharded|batched|parallelized|parallelised|consolidated|deprecated|killed|cancelled|canceled|hired|trained|taught|wrote up|blocked|unblocked|brought|ended|managed|handled|ask|go|say|tell|start|sit|talk|build|write|decide|dig|pull|propose|push|reach|set up`,
	cueReason:     `because|since|so that|so we|so it|in order to|the reason|the reason is|given|given that|that way|which lets|which gives|lets us|let us|allows|allows us|which means|that means|to handle|to absorb|to decouple|to buffer|to avoid|to keep|to support|to guarantee|for durability|for fan out|for fan-out|for ordering|for replay|because of|due to|driven by|justified|the requirement|the requirements|we need|we'd need|it needs|needs to|since we|given the`,

	cueRequirements:  `requirements|requirement|functional requirements|non-functional|nonfunctional|non functional|use case|use cases|clarify|clarifying|to clarify|scope|in scope|out of scope|assume|assuming|assumption|assumptions|users should be able|user should be able|should be able to|need to support|needs to support|must support|the main features|core features|features are|read heavy|write heavy|read-heavy|write-heavy|availability|consistency|latency requirement|low latency|highly available|sla|slo|the api should|mvp`,
	cueScale:         `back of the envelope|back-of-the-envelope|estimate|estimates|estimated|estimation|ballpark|qps|rps|tps|requests per second|queries per second|writes per second|reads per second|messages per second|events per second|dau|mau|daily active|monthly active|daily users|monthly users|peak traffic|peak load|at peak|million users|billion users|millions of users|order of magnitude|a day|per day|a month|per month|a second|per second|terabytes|petabytes|gigabytes|tb|pb|gb|read to write|reads to writes|write ratio|read ratio`,
	cueDataModel:     `schema|schemas|table|tables|data model|primary key|partition key|sort key|shard key|sharding key|index|indexes|indices|secondary index|columns|column|key value|key-value|foreign key|endpoint|endpoints|rest api|rest endpoint|api call|api calls|grpc|graphql|request body|response body|user_id|store the|we store|we'd store|stored as|entity|entities|keyed by|maps from|a map from|the api is|api is|apis are|the api would|api would be|mapping from|mapping of|maps to|key lookup|lookup by`,
	cueFailure:       `fail|fails|failure|failures|failover|fail over|replica|replicas|replication|replicate|retry|retries|retrying|backoff|timeout|timeouts|circuit breaker|goes down|go down|went down|crash|crashes|crashed|redundant|redundancy|backup|backups|bottleneck|bottlenecks|hot spot|hotspot|hot key|hot partition|single point of failure|spof|degrade|degraded|graceful degradation|idempotent|idempotency|idempotency key|dead letter|dlq|multi-az|multi az|multiple regions|multi-region|disaster recovery|health check|health checks|rate limit|rate limiting|throttle|throttling|load shedding|partition tolerance|split brain|data loss|durable|durability`,
	cueTradeoff:      `trade-off|trade-offs|tradeoff|tradeoffs|trade off|trade offs|versus|vs|the downside|downside|downsides|on the other hand|at the cost of|the cost is|pros and cons|alternatively|alternative|alternatives|the catch|the price|in exchange|cap theorem|the risk is|rather than|compared to|compared with|the trade|better than|worse than|cheaper than|simpler than|faster than|slower than|more expensive|less expensive|two options|three options|two main options|two ways|three ways|two approaches|three approaches|two choices|two families|two algorithm families|one option|another option|the other option|the other way|i'd go with|i would go with|i'll go with|we'd go with|i'd pick|i would pick|i'd choose|i would choose|i chose|i'd rather|instead of|but`,
	cueObservability: `metrics|monitoring|monitor|alert|alerts|alerting|alarm|alarms|dashboard|dashboards|logging|structured logs|tracing|distributed tracing|slo|slos|sli|slis|p99|p95|p50|observability|observable|cloudwatch|prometheus|grafana|datadog|opentelemetry|on-call|oncall|on call|pager|paging|canary|canaries|health dashboard|error budget`,
	cueTool:          `kafka|redis|cassandra|dynamodb|dynamo|microservices|microservice|kubernetes|k8s|elasticsearch|elastic search|mongodb|mongo|memcached|rabbitmq|sqs|sns|kinesis|spark|flink|hadoop|zookeeper|cdn|cloudfront|s3|postgres|postgresql|mysql|bigtable|spanner|hbase|graphql|lambda|serverless|docker|nginx|envoy|istio|service mesh|etcd|consul|vitess|cockroachdb|neo4j|snowflake|airflow|redshift|bloom filter|consistent hashing|event sourcing|cqrs|websockets|websocket|grpc`,

	cueClarify:     `clarify|clarifying|to clarify|can i assume|i'll assume|i will assume|let me assume|i'm assuming|i am assuming|i assume|assuming|assumption|assumptions|should i handle|should i assume|should i return|what if|input size|how big|how large|what's the range|what is the range|question first|questions first|a few questions|a couple of questions|couple of things|a couple things|quick question|quick questions|questions are|first questions|first question|let me ask|i'd ask|i would ask|just to confirm|to confirm|let me confirm|let me check a|to make sure i understand|make sure i understand|do you want|would you like|is it okay if|can i modify|can i use|are we`,
	cueBruteForce:  `brute force|brute-force|bruteforce|naive|naively|the simple approach|simplest approach|the simplest thing|simplest way|the simple way|the straightforward|straightforward approach|straightforward way|try every|try all|every pair|all pairs|each pair|nested loop|nested loops|double loop|two loops|check every|check all|first approach|obvious approach|the obvious way|exhaustive|generate all|enumerate all|the slow way|baseline`,
	cueComplexity:  `big o|o of n|o of 1|o of one|o of log|o of n squared|o of n log n|o of k|o of v|o of m|o of h|o of the|time complexity|space complexity|linear time|linear space|log n time|n log n|n log k|constant space|constant time|constant extra|quadratic|n squared|exponential time|logarithmic|amortized|amortised|runtime is|run time is|extra space|in place|in-place|time is|space is`,
	cueEdgeCase:    `edge case|edge cases|corner case|corner cases|empty|null|nil|none|zero|negative|negatives|overflow|underflow|duplicates|duplicate|single element|one element|single node|one node|off by one|off-by-one|boundary|boundaries|out of bounds|max int|min int|no solution|not found|invalid|malformed|truncated|odd length|even length|all the same|missing|late|out of order|larger than|bigger than|greater than the|more than the|itself`,
	cueWalkthrough: `walk through|walkthrough|walk-through|walk it through|trace|trace through|trace it|tracing through|dry run|dry-run|let's say the input|let's try|let me try|try it|let's test|test it|test case|test cases|unit tests|step through|stepping through|with the input|on the input|run through|run it|let me run|if the input is|say the input|given the input|index zero|first iteration|second iteration|pointer moves|i is|j is|the output would|the output is|check it with|let me check it|on the example|with the example|take the example|for example with|sanity check|do an example|do a quick example|a quick example|small example|worked example|manual example|example input|an example input|for example|for instance|say we have|suppose we have|example`,
}

func buildLexicon() map[string][]phrase {
	lex := make(map[string][]phrase, 1500)
	for c, text := range cueText {
		for p := range strings.SplitSeq(text, "|") {
			ws := strings.Fields(p)
			if len(ws) == 0 {
				continue
			}
			lex[ws[0]] = append(lex[ws[0]], phrase{rest: ws[1:], cue: c})
		}
	}
	// Longer phrases first so that a scan can prefer them, and a stable
	// order so that output never depends on map iteration.
	for k, ps := range lex {
		sortPhrases(ps)
		lex[k] = ps
	}
	return lex
}

func buildVocab(lex map[string][]phrase) ([]vocabEntry, map[string]uint16) {
	vocab := []vocabEntry{{}}
	ids := make(map[string]uint16, 2*len(lex))
	id := func(w string) uint16 {
		if k, ok := ids[w]; ok {
			return k
		}
		k := uint16(len(vocab))
		if int(k) != len(vocab) {
			panic("analysis: vocabulary over 65535 words")
		}
		ids[w] = k
		vocab = append(vocab, vocabEntry{word: w})
		return k
	}
	// Sorted first words so that ids do not depend on map order.
	firsts := make([]string, 0, len(lex))
	for w := range lex {
		firsts = append(firsts, w)
	}
	slices.Sort(firsts)
	for _, w := range firsts {
		ps := lex[w]
		for i := range ps {
			ps[i].restIDs = make([]uint16, len(ps[i].rest))
			for k, r := range ps[i].rest {
				ps[i].restIDs[k] = id(r)
			}
		}
		e := &vocab[id(w)]
		for _, p := range ps {
			if len(p.rest) == 0 {
				e.singles = append(e.singles, p)
				continue
			}
			k := slices.IndexFunc(e.groups, func(g phraseGroup) bool { return g.second == p.restIDs[0] })
			if k < 0 {
				k = len(e.groups)
				e.groups = append(e.groups, phraseGroup{second: p.restIDs[0]})
			}
			e.groups[k].phrases = append(e.groups[k].phrases, p)
		}
		slices.SortFunc(e.groups, func(a, b phraseGroup) int { return int(a.second) - int(b.second) })
	}
	mark := func(c wordClass, words []string) {
		slices.Sort(words)
		for _, w := range words {
			vocab[id(w)].class |= c
		}
	}
	mark(classFilledPause, slices.Collect(maps.Keys(filledPauses)))
	var verbs []string
	for p := range strings.SplitSeq(cueText[cueActionVerb], "|") {
		if !strings.Contains(p, " ") {
			verbs = append(verbs, p)
		}
	}
	mark(classActionVerb, verbs)
	mark(classStop, slices.Collect(maps.Keys(stopWords)))
	// parseNumberAt's own words, then parseSpelled's first words.
	mark(classNumberStart, strings.Fields("half halved twice doubled tripled quadrupled tenfold a an"))
	mark(classNumberStart, slices.Collect(maps.Keys(smallNumbers)))
	mark(classNumberStart, slices.Collect(maps.Keys(tensNumbers)))
	return vocab, ids
}

func sortPhrases(ps []phrase) {
	// Insertion sort: lists are short and this runs once.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && phraseLess(ps[j], ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func phraseLess(a, b phrase) bool {
	if len(a.rest) != len(b.rest) {
		return len(a.rest) > len(b.rest)
	}
	if a.cue != b.cue {
		return a.cue < b.cue
	}
	return strings.Join(a.rest, " ") < strings.Join(b.rest, " ")
}

// Word classes used by hand-written rules rather than the phrase table.
var (
	// Filled pauses: always fillers. pocketsphinx emits these as words.
	filledPauses = setOf("um umm uh uhh uhm erm er ah ahh hmm hm mm mhm eh")
	// "like" after these is a verb or a preposition, not a filler:
	// "I like Go", "looks like", "tools like Kafka".
	likeNotFillerAfter = setOf("i we you they he she people who would i'd we'd you'd don't didn't doesn't do does did to really also just look looks looked looking seem seems seemed sound sounds sounded feel feels felt something anything nothing things stuff more much exactly tools systems languages services databases frameworks companies teams products features ones one kind sort not")
	// "like" after these is most often a filler: "and like we", "it was like".
	likeFillerAfter = setOf("and but so or was were is it's that's then because um uh like yeah okay ok just basically")
	// "like" before these is most often a filler: "like really slow".
	likeFillerBefore = setOf("um uh really super so totally literally basically a an the we i you they he she it maybe about around almost")
	// "kind of"/"sort of" after a determiner names a kind: "that kind of data".
	kindDeterminers = setOf("what which that this the some any a one every each same different new other another these those")
	// Quantity words from speech engines, to normalise spelled numbers.
	smallNumbers = map[string]float64{
		"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
		"six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
		"twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
		"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
	}
	tensNumbers = map[string]float64{
		"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
		"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
	}
	scaleNumbers = map[string]float64{
		"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
	}
	// stopWords are skipped when comparing an answer with its question.
	stopWords = setOf("a an the and or but so of to in on at for with about from by as is are was were be been being it its this that these those there their they them you your yours me my mine we our us i he she his her what which who whom when where why how tell time describe give example share walk through talk situation can could would should will do did does have has had not no yes one some any all more most very just also then than into out up down over under again further once here both each few other such only own same too s t don't didn't i'm you're we're it's that's")
)

func setOf(words string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
