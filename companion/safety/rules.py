"""The curated phrase table the lexicon signal runs (data, kept apart from the logic).

Each :class:`Rule` is one family of phrasings with a kind, a level and a strength
(see ``lexicon.py`` for what ``explicit`` and ``contextual`` mean). Patterns run on
normalised text (lower case, straight quotes). To add a phrasing, extend a rule's
alternatives and add a test case in ``tests/test_safety_lexicon.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = r"\bi(?:'?m|'?ve|'?d|'?ll| am| have| had| was| keep| still| just| really| honestly)?"
_PEOPLE = (
    r"(?:him|her|them|someone|somebody|people|everyone|anyone|my \w+(?: \w+)?|the \w+(?: \w+)?"
    r"|that \w+|this \w+|those \w+|a \w+)"
)
# Things people "want to strangle" in frustration: never a person at risk.
_THINGS = (
    r"(?!(?:the|this|that|my|our|a) (?:printer|computer|pager|phone|ehr|epic|cerner|fax|"
    r"scanner|machine|coffee machine|wifi|system|schedule|rota|paperwork|inbox|email|"
    r"alarm|pump|monitor|badge reader|elevator|car|laptop|keyboard)\b)"
)
_MEANS = (
    r"(?:pills?|tablets?|meds|medications?|fentanyl|opioids?|oxy\w*|morphine|hydromorphone|"
    r"dilaudid|insulin|propofol|potassium|kcl|benzos?|sedatives?|midazolam|ketamine|sux|"
    r"succinylcholine|vecuronium|rocuronium|digoxin|lethal|guns?|firearms?|pistol|rifle|ropes?|"
    r"zolpidem|ambien|trazodone|quetiapine|seroquel|lorazepam|ativan|diazepam|valium|"
    r"clonazepam|klonopin|alprazolam|xanax|amitriptyline|lithium|methadone|heroin|"
    r"blades?|razors?|scalpels?|sleeping pills|tylenol|acetaminophen|syringes?|vials?)"
)

# "... now I mean it: I'm filing the complaint": what is meant is an everyday act.
_NOT_A_PLAN = (
    r"(?![,:;]?\s*(?:and |so )?(?:i'?m |i'?ll |i will |i'?ve )?(?:going to |gonna |actually )?"
    r"(?:fil|report|complain|quit|appl|tell|email|escalat|sign|leav|resign|transfer|switch|"
    r"talk|call|ask)\w*)"
)


@dataclass(frozen=True)
class Rule:
    """One curated phrase pattern."""

    name: str
    kind: str
    level: str  # "crisis" | "concern"
    strength: str  # "explicit" | "contextual"
    pattern: re.Pattern[str]
    needs_first_person: bool = False
    requires: re.Pattern[str] | None = None  # the sentence must also contain this
    # the whole message must contain this (a meaning that spans two sentences)
    message_requires: re.Pattern[str] | None = None


def _rule(name: str, kind: str, level: str, strength: str, regex: str,
          needs_first_person: bool = False, requires: str | None = None,
          message_requires: str | None = None) -> Rule:
    return Rule(name, kind, level, strength, re.compile(regex), needs_first_person,
                re.compile(requires) if requires else None,
                re.compile(message_requires) if message_requires else None)


RULES: tuple[Rule, ...] = (
    # --- suicidal thoughts, explicit
    _rule("kill-myself", "explicit", "crisis", "explicit",
          r"\b(?:kill|off(?:ing)?|hang(?:ing)?|shoot(?:ing)?|drown(?:ing)?) myself\b"
          # the study idiom: "killing myself studying", "killing myself on microbiology"
          r"|\bkilling myself\b(?! (?:studying|working|trying to|to (?:study|finish|learn|get|"
          r"make|keep)|on (?:micro|path|pharm|biochem|anatom|physio|anki|uworld)\w*))"),
    _rule("end-my-life", "explicit", "crisis", "explicit",
          r"\b(?:end(?:ing)?|take|taking|took) (?:my (?:own )?life|it all)\b"
          # "end it all with my ex / this lease" is closing a chapter, unless "with" a means
          r"(?! with (?:my|this|the|that|his|her|their|our|these|those) (?!(?:\w+ )?"
          + _MEANS + r"))"
          r"|\bend (?:things|everything)(?: for good| permanently)?\b(?! (?:with|on|between))"),
    _rule("suicidal-self", "explicit", "crisis", "explicit",
          _I + r" (?:\w+ ){0,3}(?:suicidal|thinking (?:about|of) suicide|thought about suicide)"
          r"|\bmy (?:suicidal|suicide) (?:thoughts|ideation|plan|urges)"
          r"|\bsuicidal (?:thoughts|ideation|feelings)(?: with a plan)?\b(?=.*\b(?:i|i'?ve|me|my)"
          r"\b)"),
    _rule("want-to-die", "explicit", "crisis", "explicit",
          r"\b(?:wants?|wanted|wanting|wish|wishing|longing|ready|like) to (?:die|be dead|not exist"
          r"|stop existing|disappear (?:forever|for good|permanently)|not be alive|not wake up)\b"
          r"|\bwant it all to (?:end|stop)\b"),
    _rule("not-want-to-live", "explicit", "crisis", "explicit",
          r"\b(?:don'?t|do not|no longer|didn'?t) (?:really )?(?:want|wish|care) to "
          r"(?:live|be alive|exist|be here|wake up|go on living)\b"
          r"|\b(?:tired of|done with|sick of|finished with) (?:living|being alive|life itself|"
          r"existing)\b"),
    # --- passive wish to die
    _rule("not-wake-up", "passive", "crisis", "explicit",
          r"\b(?:hope|hoping|wish|wishing|pray|praying)(?: that)? i (?:just |simply )?(?:don'?t|w"
          r"on'?t|wouldn'?t|"
          r"never|didn'?t) (?:wake up|make it|come back|survive)\b"
          r"|\b(?:go to sleep|fall asleep) and (?:never|not) wake up\b"),
    _rule("better-off-dead", "burden", "crisis", "explicit",
          r"\bbetter off (?:dead|without me|if i (?:were|was) (?:dead|gone))\b"
          r"|\bdeserves? (?:so much |much |far )?(?:better than me|someone better than me)\b"
          r"|\b(?:my )?life insurance (?:would|will|could) (?:take care of|cover|pay|look after|"
          r"provide for)\b"
          r"|\b(?:world|everyone|everybody|they|family|patients) (?:\w+ ){0,3}better "
          r"(?:off )?without me\b"
          r"|\bif i (?:just )?(?:stopped existing|didn'?t exist|were dead|was dead|were gone|"
          r"was gone|disappeared for good|wasn'?t around|weren'?t around|died)\b"
          r"|\b(?:nobody|no one|no-one) (?:would|will|'d) (?:\w+ )?(?:miss|notice|care)\b"
          r"[^.]{0,20}\b(?:me|when i'?m gone|i'?m gone|if i (?:was|were|wasn'?t|weren'?t|"
          r"disappeared|died|vanished|stopped (?:existing|being)))\b"
          r"|\b(?:nobody|no one|no-one) (?:would|will|'d) (?:\w+ )?(?:miss|notice|care)\b[^.]{0,20}"
          r"\bif i (?:didn'?t|never) (?:show up|came back|come back|turn up|came in)\b[^.]{0,30}"
          r"\b(?:ever again|anymore|again)\b"),
    _rule("welcome-death", "passive", "crisis", "explicit",
          r"\b(?:welcome|wouldn'?t mind|don'?t mind|not mind|look forward to|long for) "
          r"(?:dying|death|being dead|not waking up)\b"
          r"|\b(?:stopped|stop|don'?t) car(?:e|ing) (?:whether|if) i (?:live|die)\b"
          r"|\b(?:okay|ok|fine|at peace|made peace|content) with (?:things ending|it (?:all )?end"
          r"ing|"
          r"dying|death|not (?:being here|waking up|being around))\b"
          r"|\b(?:get|getting) there sooner\b|\bdeath (?:sounds|feels|seems) (?:like )?"
          r"(?:peaceful|good|nice|like a relief|like rest)\b"),
    _rule("method-thoughts", "implicit", "crisis", "explicit",
          r"\b(?:step|stepping|jump|jumping|walk|walking|drive|driving|swerv\w*|throw(?:ing)? mys"
          r"elf)"
          r" (?:in front of|off|into|from) (?:a|the|an) (?:bus|train|truck|car|bridge|building|ro"
          r"of|"
          r"traffic|tracks|balcony|ledge|parking|cliff|overpass|river|lake|wall|tree)"
          r"|\bhow (?:high|tall) (?:a|the) (?:bridge|building|roof)\b"),
    _rule("thoughts-of-dying", "explicit", "crisis", "explicit",
          r"\b(?:think|thinks|thinking|thought|thoughts) (?:a lot |often |constantly )?(?:about|o"
          r"f) "
          r"(?:suicide|killing myself|dying|my (?:own )?death|ending (?:it|things|my life)|"
          r"not being (?:here|alive|around)|being dead|how (?:i'?d|i would|to) do it)\b"),
    _rule("suicide-on-mind", "explicit", "crisis", "contextual",
          r"\b(?:suicide|suicidal thoughts|killing myself|dying|death|ending it)\b[^.]{0,30}\b"
          r"(?:on my mind|in my head|crossing my mind|keeps? coming up|all i think about)\b"
          r"|\b(?:suicide|suicidal|ending it|not being here)\b[^.]{0,25}\b(?:tempting|an option|"
          r"the answer|the only (?:way|option))\b", needs_first_person=True),
    _rule("not-exist", "passive", "crisis", "explicit",
          r"\b(?:just|to|and|could|would|simply) (?:not|stop|cease to) exist(?:ing)?\b"
          r"|\b(?:disappear|vanish|go away|went away|going away) "
          r"(?:forever|for good|permanently)\b"),
    _rule("want-out-of-life", "passive", "crisis", "explicit",
          r"\bwant(?:ed)? out of (?:everything|it all|life|this life|existence)\b"
          r"|^out of (?:everything|it all|life|existence)\W*$"
          r"|\b(?:might|may) as well (?:finish (?:the job|it off)|end it all)\b"
          r"|\b(?:ghost|dead|gone|half gone|not here)\b[^?]{0,60}\b(?:might|may) as well "
          r"make it official\b"),
    _rule("not-be-around", "passive", "crisis", "explicit",
          r"\b(?:don'?t|do not|won'?t|will not) (?:plan|intend|expect) (?:on |to )?(?:be(?:ing)?|"
          r"stay(?:ing)?|still be) (?:around|here|alive)\b(?! (?:this|the|at|in|after|for the|"
          r"next|when i'?m|here at))"),
    _rule("lighter-without-me", "burden", "crisis", "explicit",
          r"\b(?:would|'d|will|could) be (?:\w+ )?(?:lighter|better|easier|happier|freer|fine|"
          r"okay|ok|relieved) (?:\w+ )?without me(?: in it| around| here)?\b"),
    _rule("wheel-thoughts", "implicit", "crisis", "explicit",
          r"\b(?:turn(?:ing)?|jerk(?:ing)?|yank(?:ing)?|let(?:ting)? go of) the "
          r"(?:steering )?wheel\b"
          r"|\b(?:drive|driving|drove|veer\w*|steer\w*) (?:\w+ ){0,2}(?:into|off) (?:a |the |an "
          r")?(?:oncoming|traffic|wall|barrier|river|bridge|overpass|pillar|truck)\b",
          requires=r"\b(?:think|thought|imagin\w*|pictur\w*|urge|want|tempt\w*|wonder\w*|"
          r"wish\w*|almost|nearly|could just)\b"),
    _rule("lethal-research", "means", "crisis", "explicit",
          r"\b(?:research\w*|look(?:ed|ing)? up|googl\w*|search\w*|read(?:ing)? (?:up )?(?:on|"
          r"about)|calculat\w*|work(?:ed|ing)? out|figur\w* out) (?:\w+ ){0,3}(?:lethal|fatal|"
          r"deadly|toxic) (?:doses?|amounts?|quantit\w+|levels?)\b",
          needs_first_person=True),
    _rule("stockpiling", "means", "crisis", "explicit",
          r"\b(?:stockpil\w*|hoard(?:ed|ing)|sav(?:ed|ing) up) (?:\w+ ){0,3}\w+",
          needs_first_person=True,
          requires=r"\b(?:enough|in case|for when|i know|how many|how much|the day|for later)\b"),
    _rule("ease-of-method", "implicit", "crisis", "explicit",
          r"\bhow (?:easy|simple|quick|painless) (?:it )?(?:\w+ ){0,4}(?:would|could) be\b",
          requires=r"\b(?:roof|rooftop|helipad|ledge|bridge|edge|step|jump|height|window|balcony|"
          r"tracks|train|overdose|pills|rope|wrist|gun|car|wheel|traffic)\b"),
    _rule("better-off-alone", "burden", "crisis", "explicit",
          r"\b(?:would|'d|will) be better off (?:with (?:\w+ ){1,3}alone|on their own|without "
          r"(?:their|her|his|my) (?:mom|dad|mother|father|wife|husband|partner))\b"),
    _rule("only-way-out", "passive", "crisis", "explicit",
          r"\b(?:dying|death|suicide|killing myself|ending it|ending my life|not being here) "
          r"(?:is|seems|feels like|would be|might be) (?:the )?only (?:way|option|answer|"
          r"solution|escape|way out)\b"
          r"|\b(?:cleanest|easiest|quickest|painless|quietest) (?:exit|way out|way to go)\b"),
    _rule("death-as-relief", "passive", "crisis", "explicit",
          r"\b(?:being dead|dying|death|not being here|not existing) (?:would be|will be|sounds|"
          r"seems|feels|is) (?:\w+ )?(?:easier|better|a relief|like (?:a )?relief|like rest|"
          r"peaceful|nice|welcome)\b|\bdying (?:doesn'?t|does not|no longer) (?:scare|frighten)s?"
          r" me"
          r"|\b(?:hop\w*|wish\w*|relieved|wouldn'?t mind|don'?t (?:really )?care)\b[^.]{0,50}\b"
          r"(?:car (?:crash|accident)|crash(?:ed|es)?|hits? me|kills? me|goes down|(?:didn'?t|don"
          r"'?t|"
          r"not) survive|never (?:came|come|make it) home|something (?:would )?happens? to me|"
          r"terminal (?:diagnosis|illness|cancer))\b"
          r"|\b(?:better|easier) (?:place|world|for everyone|for everybody) without me\b"
          r"|\b(?:want|need) (?:it|everything|the pain|all of (?:this|it)) to stop (?:permanently|"
          r"for good|forever)\b|\bway out\b[^.]{0,40}\btak(?:e|ing) it\b"
          r"|\bhow (?:quick|fast|easy|painless) it would be\b"
          r"|\b(?:stood|standing|sat|sitting|stand|lean\w*) (?:at|on|over) (?:the )?(?:edge|ledge|"
          r"railing)\b|\bone way or another\b[^.]{0,40}\bdon'?t mean\b"
          r"|\bdon'?t see myself (?:being )?(?:around|here|alive) (?:much longer|for long|next|by"
          r")"),
    _rule("own-funeral", "implicit", "crisis", "contextual",
          r"\b(?:my|my own) (?:funeral|obituary|memorial|eulogy|wake)\b", needs_first_person=True),
    # --- plan, preparation, goodbye
    _rule("plan", "plan", "crisis", "explicit",
          r"\b(?:a|my) plan (?:to|for) (?:end|kill|die|do it|how)"
          r"|\b(?:planned|planning|worked out|figured out|decided) (?:\w+ ){0,2}(?:how|when|where) "
          r"(?:i'?d|i would|i'?ll|i will|to) (?:do it|end|kill|die)"
          r"|\bsuicide (?:note|letter|plan)\b|\bpicked (?:a|the) date\b"
          r"|\b(?:after|when|once) i'?m (?:gone|dead|not here|not around)\b"
          r"(?! (?:on|for|to|from|away|abroad|at|this|next|in))"
          r"|\bwhen i'?m no longer (?:here|around|alive)\b|\bwon'?t (?:be (?:here|around)|need) "
          r"(?:much longer|for long|anymore|next (?:month|year))\b|\bin case i'?m not (?:here|aro"
          r"und)\b"
          r"|\bwon'?t (?:need to )?be (?:here|around)(?: (?:anymore|much longer|for long))?[.,!]"
          r"|\bnoose\b|\b(?:made|making) (?:my |final )?arrangements\b"
          r"|\b(?:affairs|will|life insurance|beneficiar\w+)\b[^.]{0,60}\b(?:in order|sorted|sett"
          r"led)"
          r"\b(?!.*\b(?:baby|born|advisor|married|wedding|mortgage)\b)"),
    _rule("goodbye-notes", "goodbye", "crisis", "contextual",
          r"\bgoodbye (?:texts?|letters?|notes?|messages?|emails?|videos?)\b"
          r"|\b(?:letters?|notes?|messages?) (?:\w+ ){0,3}(?:to be (?:read|opened)|for (?:when|af"
          r"ter) "
          r"i'?m gone)\b"),
    _rule("giving-away", "goodbye", "crisis", "contextual",
          r"\b(?:gave|giving|give) (?:away )?(?:\w+ ){0,3}(?:plants|things|stuff|belongings|"
          r"possessions|cat|dog|pets?|clothes|books|everything|scrubs|jewelry|guitar|bike|car|"
          r"furniture)\b(?:(?: and| \w+)){0,4} (?:away|to)\b"
          r"|\b(?:gave|giving|give) away (?:\w+ ){0,2}(?:plants|things|stuff|belongings|possessio"
          r"ns|"
          r"cat|dog|pets?|clothes|books|everything|scrubs|jewelry|guitar)\b"
          r"|\b(?:tidy|sorted|in order|taken care of) before i go\b(?! (?:on|to|home|back|out|int"
          r"o|for))"
          r"|\bsay(?:ing)? (?:goodbye|thank you for everything)\b|\bthank(?:ed)? (?:\w+ ){0,3}"
          r"for everything\b|\brehom(?:e|ed|ing) my\b"),
    # --- means
    _rule("means", "means", "crisis", "explicit",
          r"\b(?:stockpil\w*|hoard\w*|sav(?:e|ed|ing) up|sav(?:e|ed|ing)|keep(?:ing)?|kept|"
          r"collect\w*|took|taking|taken|stole|steal\w*|divert\w*|bought|buy\w*|got|have|counted|"
          r"counting) (?:\w+ ){0,3}" + _MEANS + r"\b(?=.*\b(?:enough|instead of wasting|in case|"
          r"why i|by my bed|just in case|how much|how many|would take|for myself|for when|drawer|"
          r"loaded|to use on myself|i know (?:exactly )?(?:what|why|how)|lethal|a dose would|"
          r"not sure why|don'?t know why|telling (?:you|a computer|anyone|this)))"
          r"|\bhow (?:much|many) (?:\w+ ){0,3}(?:it would take|would (?:be|do it|kill))\b"

          r"|\b(?:painless|easiest|quickest|best) way to (?:die|go|do it|end it)\b"),
    _rule("diversion", "means", "crisis", "explicit",
          r"\b(?:took|taken|taking|bring|brought|carried|carrying|sneak\w*|smuggl\w*) "
          r"(?:\w+ ){0,3}home\b", requires=r"\b" + _MEANS + r"\b"),
    # --- self-harm
    _rule("self-harm", "self-harm", "crisis", "explicit",
          r"\b(?:cut|cutting|burn(?:ed|t|ing)?|hurt(?:ing)?|harm(?:ed|ing)?|hit(?:ting)?|"
          r"scratch(?:ed|ing)?|punish(?:ed|ing)?|starv(?:e|ed|ing)|poison(?:ed|ing)?|injur\w+|"
          r"punch(?:ed|ing)?|slap(?:ped|ping)?|bang(?:ed|ing)?|bit|bite|biting|chok(?:e|ed|ing)) "
          r"myself\b(?! (?:by accident|accidentally|shaving|on (?:the|a)))"
          r"|\bmy self[- ]?harm\b|\bi(?:'ve| have| am|'m)? (?:been )?self[- ]?harm(?:ing|ed)?\b"
          r"|\burges? to (?:cut|self[- ]harm|hurt myself)\b"
          r"|\b(?:cut|cutting|slash\w*|carv\w*|burn(?:ed|t|ing)?|scratch\w*) my (?:arms?|wrists?|"
          r"thighs?|legs?|skin|stomach|forearms?|hips?)\b(?! (?:by accident|accidentally|on (?:th"
          r"e|a)"
          r"|while))|\bwanted it to hurt\b"
          r"|\b(?:skip(?:ped|ping)?|stop(?:ped|ping)? taking|not taking|didn'?t take|missed) "
          r"(?:\w+ ){0,3}(?:insulin|meds|medications?|pills|doses?)\b(?=.*\b(?:on purpose|"
          r"deliberately|intentionally|to see what|hoping))"
          r"|\b(?:on purpose|deliberately|intentionally) (?:overdos\w*|took too many|skipp\w*)\b"
          r"|\btook (?:a handful|too many|all) of (?:\w+ ){0,2}(?:pills|tablets|meds)\b"
          # a blade held to one's own body (no cut yet): the retrained head scored it 0.69
          r"|\b(?:held|hold(?:ing)?|press(?:ed|ing)?|put|pushed) (?:a|the|my) (?:razor|blade|"
          r"knife|scalpel)s? (?:to|against|into) my (?:wrists?|arms?|throat|neck|thighs?|skin)\b"),
    _rule("overdose-self", "self-harm", "crisis", "contextual",
          _I + r" (?!(?:\w+ ){0,2}(?:worked|treated|seen|saw|managed|reversed|ran|run|"
          r"responded to|narcan\w*|intubated) )"
          # "the/that/his overdose": a case the resident is talking about, not an act
          r"(?!(?:\w+ ){0,3}(?:the|that|this|his|her|their|those|these) overdos)"
          r"(?:\w+ ){0,3}(?:overdos\w*|od'?d|attempted)\b"
          r"|\b(?:take|taking|took|taken) (?:an? )?(?:big |huge |massive )?overdose\b"),
    # --- harm to others
    _rule("harm-others-urge", "harm-others", "crisis", "explicit",
          r"\b(?:urges?|fantasi[sz]\w* about|thought about|thinking about|think about|picture|"
          r"picturing|imagine|imagining|tempted|want(?:ed)? to|wanting to|plan(?:ning)? to|"
          r"going to|gonna) (?:to )?(?:hurt(?:ing)?|harm(?:ing)?|stab(?:bing)?|shoot(?:ing)?|"
          r"poison(?:ing)?|strangl(?:e|ing)|chok(?:e|ing)|shak(?:e|ing)|attack(?:ing)?|"
          r"beat(?:ing)?|hit(?:ting)?) " + _THINGS + _PEOPLE
          + r"|\bdon'?t trust myself (?:around|with|not to)\b"
          r"|\bwant to hurt (?:someone|somebody|anyone)\b|\bfantasi[sz]\w* about (?:poison|hurt|k"
          r"ill|stab|shoot)"),
    _rule("harm-others-imagined", "harm-others", "crisis", "explicit",
          r"\b(?:imagin\w*|pictur\w*|fantasi[sz]\w*|thinking about|thought about|urges? to) "
          r"(?:\w+ ){0,2}(?:slash\w*|stab\w*|hurt\w*|beat\w*|shoot\w*|attack\w*|run\w* over|"
          r"punch\w*|strangl\w*|chok\w*)\b[^.]{0,40}\b(?:him|her|them|my (?:senior|attending|"
          r"co-?intern|co-?resident|pd|boss|chief))\b"),
    _rule("harm-others-throw", "harm-others", "crisis", "explicit",
          r"\b(?:i'?ll|i will|i'?m going to|i'?m gonna|i want to|i swear i'?ll) (?:\w+ )?"
          r"(?:put|throw|push|shove) (?:him|her|them|my \w+|that \w+) (?:through|out of|off|down)"
          r" (?:the |a )?(?:window|wall|stairs|roof|balcony|stairwell)\b"),
    _rule("harm-others-poison", "harm-others", "crisis", "explicit",
          r"\b(?:poison\w*|spik(?:e|ed|ing)|tamper\w* with|mess(?:ed|ing)? with|put(?:ting)? "
          r"(?:something|stuff|meds|drugs|\w+) in(?:to)?) (?:\w+ ){0,2}(?:his|her|their|my \w+'?s?"
          r"|the \w+'?s?) (?:coffee|drink|food|water|tea|lunch|meds|iv|bag|bottle)\b"
          r"(?!.*\b(?:patient|pt)\b)"),
    _rule("harm-others-threat", "harm-others", "crisis", "contextual",
          r"\b(?:going to|gonna|will|'ll|want to|wanted to|could) (?:kill|murder|hurt) "
          r"(?!(?:this|that|the|my|a|an) (?:presentation|talk|exam|test|interview|boards?|shift|"
          r"case|lecture|workout|run|game|song|pitch|rotation|block|step|quiz|procedure|line|"
          r"intubation|audition|abstract|poster)\b)" + _PEOPLE
          + r"|\b(?:brought|bring|carry|carrying|grabbed|took) (?:a|my|the|his|her|[\w]+'s) "
          r"(?:[\w']+ )?(?:knife|gun|weapon|bat|pistol|rifle)\b(?=.*\b(?:door|work|hospital|him|"
          r"her|them|scared|outside|meeting|office|rounds|clinic|program|unit|ward))"
          r"|\bmake (?:\w+ ){0,3}pay\b|\bmake sure (?:he|she|they) never\b(?=.*\b(?:don'?t mean|"
          r"not joking|mean it))|\b(?:know|see|find out|learn) where (?:he|she|they) (?:lives?|pa"
          r"rks?)\b"
          r"|\bfollow(?:ed|ing)? (?:him|her|them) (?:home|to (?:his|her|their))\b"
          r"|\b(?:wait\w*|follow\w*|lurk\w*|go after|went after)\b[^.]{0,60}\bwith (?:a|my) "
          r"(?:bat|knife|gun|weapon|crowbar|hammer|pistol)\b"),
    # --- slang and euphemism (issue 14's families). Explicit forms are crisis; a single
    # ambiguous word ("kms" alone, "final", "not be here") only asks (`check`).
    _rule("slang-explicit", "slang", "crisis", "explicit",
          r"\bunaliv(?:e|ing) (?:myself|me)\b|\b(?:delete|deleting|erase|erasing|end|ending|off|"
          r"offing|unalive) myself\b|\b(?:want|wanna|going|gonna|planning|plan|ready|need|about) "
          r"(?:to )?(?:just )?(?:kms|unalive|ctb|catch the bus)\b|\bkys\b[^.]{0,40}\b(?:myself|"
          r"mirror|to me|i (?:keep|tell))\b|\bsewer ?slide\b"
          r"|\b(?:my|the) (?:exit|way out)\b[^.]{0,60}\b(?:permanent|for good|not (?:a|the) "
          r"(?:resignation|leave|job)|doesn'?t involve)"
          r"|\b(?:permanent|permanently|for good) (?:exit|out|sleep|rest|solution)\b"
          r"|\b(?:go to sleep|sleep|rest) permanently\b"
          r"|\b(?:rather|want to|wanna|wish i could) (?:just )?(?:sleep|go to sleep) "
          r"(?:forever|for good|and not wake)\b"
          r"|\b(?:want|need) (?:everything|it all|it) to (?:go quiet|stop|end|be over)(?:,)? "
          r"(?:for good|forever|permanently)\b"
          r"|\b(?:out of|exit from) everything\b|\bpermanently out\b"),
    _rule("slang-ambiguous", "slang", "check", "explicit",
          r"\bk+m+s+\b|\bkys\b|\bunalive\w*|\bctb\b|\bcatch(?:ing)? the bus\b(?! (?:to|home|at|"
          r"in|from|back))|\bgame end\b"),
    _rule("not-be-here", "euphemism", "check", "explicit",
          r"\b(?:not|stop) (?:be(?:ing)?|to be) (?:here|around|alive)(?: anymore| any more)?\b"
          r"(?! (?:at|for|on|in|by|when|this|next|tomorrow|today|tonight|after|until|till))"
          r"|\bnot existing\b|\bstop existing\b"
          r"|\b(?:just )?want (?:it|everything|it all|all of it) to be over\b"
          r"|\bwon'?t be coming back\b(?=.*\b(?:apolog\w*|goodbye|sorry|explain\w* why|"
          r"thank\w*)\b)", needs_first_person=True),
    _rule("final", "euphemism", "check", "explicit",
          r"\b(?:this|it) (?:feels|felt|is|seems) (?:so )?final\b(?! (?:exam|round|answer|"
          r"version|draft|score|grade|match|four|day))"
          r"|\bfinal (?:goodbye|farewell|note|letter|message|night|decision about (?:my life|"
          r"living))\b|\bone last (?:time|shift|goodbye)\b[^.]{0,40}\b(?:ever|before i go|"
          r"then it'?s over)\b", needs_first_person=True),
    _rule("no-point-waking", "passive", "check", "explicit",
          r"\b(?:no|what'?s the|don'?t see the|no real) (?:point|reason) (?:in |to |of )?"
          r"(?:waking up|getting up|wake up)\b(?! (?:early|at|for|before|so|to)\b)"
          r"|\bdisappointed (?:that )?i (?:woke|wake) up\b"
          r"|\bwhy (?:do i )?bother waking up\b"),
    # Life held by one thread ("if it weren't for my dog I'd have done something", "what
    # keeps me here once she's gone"): indirect, so it asks.
    _rule("reason-to-stay", "passive", "check", "explicit",
          r"\bif it (?:weren'?t|wasn'?t|were not|was not) for (?:\w+ ){1,3}i(?: think i)?"
          r"(?: would|'d| wouldn'?t)(?: \w+)? (?:have )?"
          r"(?:done (?:something|it)|ended (?:it|things)|"
          r"gone through with it|be (?:here|around|alive)|still be here|be gone)\b"
          r"|\b(?:the )?only (?:thing|reason|one|person)s? (?:that'?s |that is |that )?(?:keeping|"
          r"keeps|kept|holding) me (?:here|alive|around)\b(?! (?:at|in|on|late|till|until)\b)"
          r"|\bwhat (?:keeps|will keep|would keep|is keeping|'s keeping|kept) me (?:here|alive|"
          r"around)\b(?= (?:once|when|after|if|now that|without)\b)"
          r"|\b(?:no|nothing left|no more|no other) reasons? (?:left )?to (?:stay|stick around|"
          r"keep going|be here|stay alive)\b(?! (?:in|at|on|for|with|late|till|until|here at)\b)"
          r"(?=[^.]{0,60}\b(?:once|when|after|without|if)\b)",
          needs_first_person=True),
    # Death pictured as an exit ("a clean way out", "a painless exit"): asks.
    _rule("way-out", "passive", "check", "explicit",
          r"\b(?:a|the|my) (?:clean|painless|quiet|peaceful|permanent|final|easy) way out\b"
          r"(?=[^.]{0,40}\b(?:of (?:all of )?(?:it|this|everything|it all|all this)|for me)\b|"
          r"\s*(?:[.,;!?]|$))(?![^.]{0,30}\b(?:of (?:the |my |this )?(?:lease|contract|deal|"
          r"meeting|shift|call|rotation|program|job|parking|building)))"
          r"|\b(?:painless|quiet|peaceful|permanent) exit\b"
          r"|\bif i (?:die|died|were dead|was dead|weren'?t here|wasn'?t here|were gone)\b"
          r"[^.]{0,60}"
          r"\b(?:relief|relieved|peace|free)\b",
          needs_first_person=True),
    # Wanting a person to be hurt, or working out "what I'd do to him": asks (the explicit
    # urge and plan rules above are crisis).
    _rule("harm-wish", "harm-others", "check", "explicit",
          r"\bi (?:want|wanted|need|wish|really want) (?:him|her|them|that \w+|the \w+|this \w+|"
          r"my \w+) to (?:hurt|suffer|bleed|feel (?:it|pain|what)|be hurt)\b"
          r"|\bwhat i'?d do to (?:him|her|them|that \w+)\b(?! (?:in (?:court|a review|the "
          r"meeting|m&m)|professionally|at (?:the|my) review))"),
    # A deadline on being around ("I'm not going to be around after the weekend"), unless
    # the message gives an ordinary reason to be away.
    _rule("absence-deadline", "euphemism", "check", "explicit",
          r"\b(?:not (?:going to|gonna) be|won'?t be|will not be|no longer be|not be) (?:around|"
          r"here|alive)(?: anymore| any more)? (?:after|past|by|beyond) (?:the |this |next |my )?"
          r"(?:weekend|week|month|tonight|tomorrow|holidays?|christmas|birthday|exam|boards|"
          r"(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
          r"(?![^.]{0,80}\b(?:vacation|holiday|leave|trip|conference|away|wedding|visit\w*|"
          r"rotation|mov\w+|flight|off|elective|interview|locum|transfer\w*|home to|back in)\b)",
          needs_first_person=True),
    # A joke turned serious ("I used to joke about it; now I mean it"): asks. The joke and
    # the "now I mean it" are often two sentences, so the joke is looked for in the message.
    _rule("joke-turned-serious", "slang", "check", "explicit",
          r"\b(?:now|these days|lately|this time|anymore)\b[^.]{0,20}\b(?:i mean it|i'?m not "
          r"(?:joking|kidding)|it'?s not (?:a )?joke|i'?m serious)\b" + _NOT_A_PLAN +
          r"|\bi'?m not (?:joking|kidding) (?:anymore|any more)\b" + _NOT_A_PLAN +
          r"|\bit'?s (?:not|no longer) (?:a )?joke (?:anymore|any more)\b",
          needs_first_person=True,
          message_requires=r"\b(?:jok\w*|kid(?:ding|ded)?|laugh\w*) about (?:it|that|dying|death|"
          r"killing myself|ending it|not being here|wanting to die|suicide|kms|not waking up)\b"
          r"|\b(?:kms|kys|unalive)\b"),
    _rule("no-point-living", "passive", "crisis", "explicit",
          r"\b(?:no|what'?s the|don'?t see the) (?:point|reason) (?:in |to |of )?(?:living|being "
          r"alive|staying alive|existing|going on living|keep living)\b|\bnothing (?:left )?to "
          r"live for\b|\b(?:none|nothing) (?:of them |of it )?(?:are |is )?worth staying alive "
          r"for\b|\bnot worth (?:staying alive|living)\b"),
    _rule("high-place-self", "location", "check", "explicit",
          r"\b(?:look\w*|star(?:e|ed|ing)|stood|standing|stand|sat|sitting|went|go(?:ing)?|drove|"
          r"driving|drawn|walk\w*|climb\w*|slow(?:ed)? down|lean\w*|thinking about|think about)\b"
          r"[^.]{0,50}\b(?:roof(?:top)?|roof access|helipad|ledge|bridge|overpass|top floor|"
          r"parking (?:garage|structure|deck)|(?:train )?platform|tracks|bluff|cliff|railing|"
          r"balcony|stairwell window|the drop|the edge)\b", needs_first_person=True),
    _rule("high-place-intent", "location", "crisis", "explicit",
          r"\b(?:roof(?:top)?|helipad|ledge|bridge|overpass|platform|tracks|bluff|cliff|railing|"
          r"balcony|edge)\b[^.]{0,80}\b(?:the drop|step off|go(?:ing)? over|jump\w*|not come back|"
          r"meaning to|drive off|wanted to (?:step|jump|go over))"
          r"|\b(?:step|stepping|jump|jumping|go over|going over|drive|driving) (?:off|in front of|"
          r"over) (?:it|the (?:rail|edge|ledge|side)|the \d[\d:]* \w+)\b"
          r"|\b(?:step|stepping) (?:off|in front of)\b[^.]{0,30}\b(?:train|express|bus|"
          r"platform|it came)\b", needs_first_person=True),
    _rule("method-research-2", "method-research", "crisis", "explicit",
          r"\b(?:look\w* (?:up|into)|googl\w*|research\w*|read (?:up )?(?:on|about)|"
          r"check(?:ed|ing)?"
          r"|search\w*|calculat\w*|work(?:ed|ing) out)\b[^.]{0,60}\b(?:how long (?:it )?(?:\w+ )"
          r"{0,3}(?:takes?|before)|toxic dose|lethal dose|fatal dose|to bleed out|someone (?:is )?"
          r"found|finds you|coroner|how much (?:it )?would (?:take|kill)|painless|"
          r"classif\w+ it|would (?:kill|be fatal|stop my heart))"
          r"|\bnobody (?:expects|would (?:find|miss|notice)) me (?:anywhere )?(?:until|for)\b"
          r"|\b(?:it|this) (?:wasn'?t|isn'?t|is not|was not|'s not) for (?:a patient|anatomy|"
          r"work|studying|a case|review|my sugars|sleep)\b"
          r"|\bhow (?:many|much) (?:of )?(?:my )?\w+(?: \w+)? it would take\b"
          r"|\b(?:written|wrote|writing) down who gets what\b|\bwho gets (?:my|what)\b[^.]{0,30}"
          r"\b(?:when i'?m gone|after)\b"
          r"|\bnot because i can'?t sleep\b|\bfor a reason\b(?=.*\b(?:gun|pistol|code|safe|"
          r"pills|rope|meds|vials?|insulin|key)\b)"),
    _rule("means-2", "means", "crisis", "explicit",
          r"\b(?:bought|buy|got|took|kept|keep|carry\w*|hold\w*|taking|have|stash\w*|built up)\b"
          r"[^.]{0,60}\b(?:rope|charcoal|shotgun|pistol|gun|scalpel|vials? of|vecuronium|potassium|"
          r"kcl|insulin pens|tylenol|bottles of|stash)\b[^.]{0,80}\b(?:where i'?d|what they'?d do "
          r"to me|for when i decide|at night|thinking about it|in my (?:fridge|trunk|closet|"
          r"nightstand)|don'?t need them|not because|a lot tonight|loaded|tie it)\b"),
    _rule("self-harm-2", "self-harm", "crisis", "explicit",
          r"\bon purpose\b[^.]{0,40}\b(?:hand|arm|burn\w*|cut\w*|slam\w*|hurt|bleed)|"
          r"\b(?:burn\w*|slam\w*|cut\w*|hit\w*|punch\w*|dig\w*) (?:\w+ ){0,4}(?:my (?:own )?\w+) "
          r"(?:\w+ ){0,6}on purpose\b|\buntil (?:they|it|my \w+) bleeds?\b|\bthe cutting'?s back\b"
          r"|\bi want(?:ed)? (?:it )?to hurt\b"),
    _rule("passive-2", "passive", "crisis", "explicit",
          r"\b(?:wouldn'?t|would not|don'?t|do not) (?:really )?(?:care|mind|fight it)\b[^.]{0,50}"
          r"\b(?:if i (?:died|die|didn'?t make it|don'?t make it)|in my sleep|die on|something "
          r"happened to me|went down)\b"
          r"|\b(?:it )?would be (?:a )?(?:mercy|relief|a blessing) if i\b"
          r"|\bif (?:the|my) (?:plane|car|bus|train) (?:went|goes|crashed|crashes)\b[^.]{0,60}"
          r"\b(?:okay|ok|fine|relief|mind)\b"
          r"|\bstopped wearing my seat ?belt\b|\bkind of hoping for it\b"
          r"|\bmy (?:brain|mind) keeps going to (?:ending|dying|death)\b"),
    _rule("harm-others-2", "harm-others", "crisis", "explicit",
          r"\b(?:bring\w*|carry\w*|take|taking) (?:a|my|the) (?:weapon|gun|knife|pistol|rifle)"
          r" (?:to|into) (?:work|the hospital|clinic|the office|rounds)\b"
          r"|\bmake (?:\w+ ){0,5}(?:pay|regret it)\b[^.]{0,30}\b(?:physically|not joking|i mean "
          r"it)|\bends? with (?:him|her|them) (?:hurt|dead|bleeding)\b"
          r"|\brun\w* (?:my|her|him|them|the) (?:\w+ )?(?:off the road|over)\b"
          r"(?=.*\b(?:fantasi|imagin|want|know which|route|plan)\w*)"),
    # --- concern: hopelessness, severe distress, not coping
    _rule("hopeless", "hopeless", "concern", "contextual",
          r"\bhopeless\w*|\b(?:what'?s|what is) the point\b|\bno point (?:in|to) (?:anything|any "
          r"of "
          r"this|trying|going on)|\bnothing (?:will ever|is ever going to|ever) (?:get|gets|change)"
          r"|\bno future\b|\bcan'?t see (?:a|any) (?:future|way out)\b|\bno way out\b"),
    _rule("not-coping", "not-coping", "concern", "contextual",
          r"\b(?:not|n'?t) coping\b|\bcan'?t cope\b|\bcan'?t (?:do|take) (?:this|it) any ?more\b"
          r"|\bfalling apart\b|\bdrowning\b|\bbreaking down\b|\bcan'?t go on\b|\bgiving up\b"
          r"|\bcan'?t get out of bed\b|\bbarely (?:functioning|holding)\b|\bat (?:my|the) breaking"
          r" point\b|\bcan'?t keep (?:going|doing this)\b"),
    _rule("severe-distress", "distress", "concern", "contextual",
          r"\bworthless\b|\b(?:empty|numb) (?:inside|all the time)\b|\bi feel (?:so )?(?:empty|nu"
          r"mb)"
          r"\b|\bpanic attacks?\b|\btrapped\b|\bhate (?:myself|who i'?ve become)\b"
          r"|\bcrying every (?:day|night)\b|\bdrink(?:ing)? (?:every night|to sleep|to cope|until"
          r")\b"
          r"|\bcomplete failure\b|\bi'?m a burden\b|\bso alone\b"
          r"|\bbarely function\w*|\bso overwhelmed\b|\bcan'?t think straight\b"),
)
