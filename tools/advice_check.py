"""Is a sentence of advice unsafe? Which of the rules of tools/advice_rules.yml does it break?

Run as ``make -s check-advice < sentences.txt``: one JSON line per input line,
``{"unsafe": true|false, "rules": [...]}``, exit 0 whatever the input (empty, huge or
binary lines included). ``make test`` runs it over every text in ``responses/``.

A clause is unsafe when one of a rule's acts matches in it and nothing around the act
takes it back. What takes an act back is read on the words before it, up to the last
comma or "et"/"mais" (so "ne réponds pas, paie" is still unsafe):
- a negation or a prohibition ("ne … pas/jamais/plus/rien", "sans", "évite de", "jamais",
  "au lieu de") — except the ones that push to act ("n'hésite pas à", "pourquoi ne pas");
- a description rather than advice: the act has a third-person subject or follows a
  conjunction ("s'il te menace", "si tu le vois", "il veut que tu paies", "tu as payé");
- for ``delete_evidence`` only, keeping the evidence first, anywhere in the sentence
  ("une fois les preuves gardées, supprime…", "signale-la puis supprime-la").
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, TextIO

import yaml

RULES_FILE = Path(__file__).with_name("advice_rules.yml")
MAX_CHARS = 2000  # a sentence of advice fits a phone screen; longer input is read up to here

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "«": " ", "»": " ", '"': " "})
# "payé", "payée", "payés", "payées": what happened, not advice ("paye_pp" matches no act).
# Nouns in -é/-ée (and every -ité: responsabilité, sécurité) are left alone: never an imperative.
_PARTICIPLE = re.compile(r"(\w*)é(e?s?)\b")
_NOUNS_IN_E = frozenset(
    "été idée identité café thé bébé sécurité santé vérité société journée soirée année entrée pensée "
    "lycée musée allée arrivée durée liberté communauté majorité minorité gravité réalité activité "
    "intimité dignité priorité confidentialité anxiété volonté difficulté qualité quantité clé fée "
    "côté marché métier invité employé député curé été délégué".split()
)
_CLAUSE_END = re.compile(r"[.;:!?\n•💡()]+")
# Where the words before an act stop counting: a comma, or a new coordinated verb.
_RESET = re.compile(
    r",|\b(?:et|mais|puis|alors|sinon|donc|sauf que|par contre|ensuite|apres ca)\b(?! (?:de|d|a|ne|n|si)\b)"
)
_NEGATION_WORD = re.compile(r"\b(?:ne|n)\b")
_NEGATION_PARTICLE = re.compile(
    r"\b(?:pas|jamais|plus|rien|aucun|aucune|point|ni|nullement|guere|personne)\b"
)
_PARTICLE_SOON = (
    r"^(?:\W*\w+){0,5}?\W*\b(?:pas|jamais|plus|rien|aucun|aucune|nullement|personne|ni)\b"  # within 5 words
)
# "faire supprimer les contenus et fermer les comptes": an infinitive after "et" shares the verb before.
_INFINITIVE_NEXT = re.compile(r"\s+\w+(?:er|ir|re)\b")
# Words that forbid what follows them in the clause.
_FORBIDS = re.compile(
    r"\b(?:sans|evit\w*|refus\w*|pas question|surtout pas|jamais|interdi\w*|inutile|arret\w* de|arret\w* d|"
    r"cess\w* de|"
    r"cess\w* d|ne pas|n pas|ni|plutot que|au lieu de|au lieu d|hors de question|dangereu\w* de|dangereu\w* "
    r"d|mauvaise idee|"
    r"pas une bonne idee|erreur de|erreur d|pas besoin|aucune raison|resist\w*|personne ne|ne doi\w*|ne "
    r"faut|ne faudrait|"
    r"en aucun cas|sous aucun pretexte|a eviter|a ne pas|ne sert a rien|sert a rien|pas la peine|garde toi "
    r"de|"
    r"gardez vous de|avant de|avant d|pas oblige\w*|plus jamais|a proscrire|proscri\w*|deconseill\w*|non a|"
    r"dis non|dites non|"
    r"ce serait une erreur|c est une erreur|surtout ne|ne jamais|oublie l idee|oubliez l idee|renonce\w* a|"
    r"s abstenir|abstiens|abstenez|"
    r"n essaie pas|n essayez pas|ne cherche pas|ne cherchez pas|risque de|risquerait de|peut aggraver|"
    r"aggraverait)\b"
)
# Negations that push to act: "n'hésite pas à le rencontrer" is advice to meet.
_PUSHES = re.compile(
    r"\b(?:n hesit\w* (?:pas|surtout pas|jamais)|pourquoi (?:ne )?pas|pourquoi (?:tu|vous) (?:ne |n "
    r")?(?:\w+ ){0,3}pas|"
    r"n oubli\w* pas|ne t inquiet\w* pas|ne vous inquiet\w* pas|"
    r"ne tard\w* pas|n attend\w* pas|ne te gene pas|ne vous genez pas|ne perds pas de temps|ne perdez pas "
    r"de temps|"
    r"ne te prive pas|ne vous privez pas|tu n as qu a|vous n avez qu a|t as qu a|il n y a qu a|y a qu a|ya "
    r"qu a|"
    r"n y a pas d autre (?:choix|solution)|pas le choix|pas d autre choix|ne reflechis pas|ne reflechissez "
    r"pas|"
    r"ne te pose pas de questions|ne discute pas|ne discutez pas)\b"
)
# The act is told, not advised: a subject of its own, a condition, a demand, a past.
_DESCRIBES = re.compile(
    r"(?:\bqui\b[^,;]{0,40}$)|(?:\b(?:que|qu) (?:on|il|elle|ils|elles)(?: (?:te|t|vous|lui|leur|les|le|la|l|"
    r"en|y|ne|n))*\s*$)|"
    r"(?:\b(?:utilise|utilisent|cherche|cherchent|veut|veulent|sert|servent|se sert|s en sert|s en "
    r"servent)\b[^,]{0,40}\bpour\s*$)|"
    r"(?:\b(?:il|elle|ils|elles|qui|quelqu un|ca|cela|ce qui|l auteur|ce compte|cette personne|le harceleur|"
    r"le maitre chanteur|la plateforme|les plateformes|le reseau|la police|l outil|le site|le service|ce "
    r"service|"
    r"ces services|ses amis|les autres|certains|beaucoup|personne|je|j|me)(?: (?:ne|n|te|t|vous|lui|leur|"
    r"les|le|la|l|m|me|"
    r"nous|en|y|se|s|peut|peuvent|pourra|pourront|pourrait|pourraient|va|vont|sait|savent|fera|feront|fait|"
    r"font|faire|a|ont|est|sont|veut|"
    r"veulent|risque|risquent|doit|doivent|deja|aussi|meme|encore|souvent|parfois|jamais|pas|plus|"
    r"toujours))*\s*$)"
    r"|(?:(?<!\bet )\b(?:si|s|quand|lorsque|lorsqu|meme si|des que|avant que|apres que|parce que|puisque|"
    r"comme|au cas ou|"
    r"pendant que|tant que|une fois que)\b(?: (?:tu|vous|il|elle|ils|on|t|je|j|nous|ton|ta|tes|votre|vos|"
    r"son|sa|ses|"
    r"le|la|les|l|un|une|quelqu un|cette|ce|cet|ces)\b)[^,]{0,40}$)"
    r"|(?:\bon (?:ne |n )?(?:te|t|m|me|vous|nous)(?: (?:ne|n|en|y))*\s*$)"
    r"|(?:\b(?:as|avez|ont|ai|avais|avait|aviez|avons|avaient|es|est|etes|sont|suis|etais|etait|ete|etre|"
    r"avoir|"
    r"g|jai|deja|t as|tas|aurais|aurait|auriez|aurions|auront)\s*$)"
    r"|(?:\b(?:il|elle|ils|elles|on|qui|l auteur|le harceleur|le maitre chanteur|cette personne|quelqu un|"
    r"ce compte)\b"
    r"[^,]{0,30}\b(?:demand|exig|veu|voul|reclam|oblig|forc|pouss|menac|insist|propos|essai|essay|cherch|"
    r"incit|suppli|"
    r"ordonn|encourag|conseill|dit|disent|crie|ecrit|repete)\w*(?: (?:de|d|a|que tu|que vous|qu on|que|qu|"
    r"te|vous|lui|"
    r"leur|t))+(?: (?:ne|n|te|t|vous|lui|leur|les|le|la|l|en|y|me|m|pas|plus))*\s*$)"
)
# Keeping the evidence first makes a deletion safe: "une fois les preuves gardées, supprime".
_EVIDENCE_FIRST = re.compile(
    r"\b(?:apres (?:avoir|l avoir|les avoir|la avoir|lui avoir|en avoir|que tu as|que vous avez|signalement|"
    r"le signalement|"
    r"l avoir signale\w*)|une fois (?:que |qu )?(?:les |la |le |tes |vos |ses |tout |l |ces |cette |ce "
    r")?(?:preuves?|captures?|"
    r"infos?|pseudo|liens?|note\w*|garde\w*|sauvegard\w*|signal\w*|enregistr\w*|copie\w*|tout|screen\w*|"
    r"elements?|messages? "
    r"(?:garde|sauvegard|copi|note)\w*|plainte|depos\w*)|quand (?:tu auras|vous aurez|tout sera|les preuves "
    r"seront|tu as|"
    r"vous avez) (?:garde|note|signale|sauvegarde|copie|fait|depose|tout)|seulement (?:apres|une fois|"
    r"quand)|des que (?:tu as|"
    r"vous avez|tu auras|vous aurez) (?:note|garde|signale|sauvegarde|copie)|(?:signal|not|gard|sauvegard|"
    r"captur|copi|"
    r"enregistr|depos)\w*[^.;:!?]{0,60}\b(?:puis|ensuite|et seulement apres|et apres|apres quoi|avant de)\b|"
    r"une fois (?:signale|signalee|signales|signalees|note|notes|notee|notees)\w*|plainte (?:deposee|faite)|"
    r"(?:preuves?|captures?|infos?) (?:en lieu sur|gardees?|sauvegardees?|mises? de cote|notees?|"
    r"copiees?)\w*)"
)
# A noun, not a verb, when a determiner comes before it: "des menaces", "aucune capture".
_NOUN_LIKE = frozenset(
    "menace menaces insulte insultes piege pieges clash capture captures screen screens partage copie "
    "copies archive garde rencontre rencontres virement virements paie paye bloque coupe montre transfert "
    "vide depot appel".split()
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:la|les|des|de|d|une|un|ses|tes|vos|ces|sa|ta|aux|du|au|leurs?|mes|nos|notre|votre|son|ton|mon|"
    r"cette|ce|cet|"
    r"aucune?|chaque|quelques|plusieurs|sans|ni|en cas de|sous la|toute|tout|ou|et)\s*$"
)
# What an act does, said as a fact about it: "diffuser l'image est puni", "le provoquer peut relancer".
_JUDGED_AFTER = re.compile(
    r"^[^,.;:!?]{0,60}?\b(?:est|sont|serait|seraient|reste|restent|etait|peut etre|peuvent "
    r"etre)\b[^,.;:!?]{0,15}?\b(?:interdit|interdite|"
    r"puni|punie|punis|illegal|illegale|un delit|une infraction|grave|dangereux|dangereuse|inutile|passible|"
    r"contraire|mauvais)"
    r"|^[^,.;:!?]{0,60}?\b(?:aggrave|aggravent|blesse|blessent|expose|exposent|nuit|nuisent|ne sert|ne "
    r"servent|ne fait|ne font|"
    r"n arrete|n arretent|fait souffrir|fait du mal|rend|rendent|coute|coutent)\b"
)
# A word that opens an infinitive's clause ("bloquer…"), not a determiner or an adjective in -re/-er.
_INFINITIVE = (
    r"(?!(?:votre|notre|autre|entre|contre|quatre|premier|dernier|hier|cher|leur|super|hiver|lettre|centre|"
    r"ordre|genre|"
    r"libre|propre|pauvre|nombre|membre|titre)\b)\w{2,}(?:er|ir|re)\b"
)
# The act is made to happen by someone else, or can happen: "faire fermer son compte", "bloquer peut effacer".
_CAUSED = re.compile(
    r"\b(?:faire|fasse|fassent|font|fera|feront|permet|permettent|permettre|aide a|aident a|aider a|sert a|"
    r"servent a|"
    r"s en servent pour|utilisent|utilise|cherchent a|cherche a|visent a)\b[^;]{0,60}$"
    r"|^\s*(?:(?:le|la|les|l|lui|leur|se|s|en|y) )*" + _INFINITIVE + r"[^,;]{0,50}"
    r"\b(?:peut|peuvent|pourrait|pourraient|pourra)\b[^;]{0,60}$"
    r"|\b(?:pouss|forc|oblig|incit|contraind)\w*(?: (?:te|t|vous|le|la|les|l|lui))? (?:a|de|d)\s*$"
    r"|\b(?:pret|prete|pretes|prets|preparee?s?|decidee?s?) (?:a|de|d)\s*$"
)
# Words after which "ne garde rien" is still advice ("surtout ne garde rien", "il faut que tu ne…").
_ADVISING_BEFORE_NE = frozenset(
    "tu vous t que qu de d a et puis alors donc surtout mais bref stp franchement vraiment".split()
)
_ONLY_CLITICS = re.compile(r"\s*(?:(?:te|t|vous|lui|leur|le|la|les|l|me|m|se|s|en|y|ne|n)\s+)*")
# A blame act that holds its own negation ("tu n'aurais pas dû") is taken back only by these.
_BLAME_TAKEN_BACK = re.compile(
    r"\b(?:ne (?:lui |leur |te |vous )?(?:demand|reproch|dis|dites|di|fai|culpabilis)\w* (?:pas|jamais|"
    r"surtout pas)|"
    r"evit\w*|sans|au lieu de|plutot que|ne pas|n ecout\w* pas|ne (?:crois|croyez|croire) pas|personne ne "
    r"(?:peut|doit|a le droit)|"
    r"meme si (?:on|quelqu un|certains|des gens|ils|il|elle|tes|vos|ses|les)|si (?:on|quelqu un|certains|"
    r"des gens|ils|il|elle|"
    r"tes|vos|ses|les) (?:te |vous |lui )?(?:dit|disent|repete|repetent|reproche|fait croire|font croire)|"
    r"ce n est pas vrai|c est faux|ce n est pas|n est pas|ne veut pas dire|pas question de|il ne faut pas "
    r"(?:lui )?(?:dire|demander)|"
    r"ce n est pas parce que)"
)


def fold(text: str) -> str:
    """Lower case, no accents, participles marked, apostrophes and hyphens as spaces."""
    text = re.sub(r"[?!]\s*»", " ", text[:MAX_CHARS].lower()).translate(_APOSTROPHES)
    text = _PARTICIPLE.sub(
        lambda m: m[0] if f"{m[1]}é" in _NOUNS_IN_E or m[1].endswith("it") else f"{m[1]}e{m[2]}_pp", text
    )
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("'", " ").replace("-", " ").replace("’", " ")
    return re.sub(r"[ \t]+", " ", text)


@dataclass(frozen=True)
class Rule:
    name: str
    acts: tuple[re.Pattern[str], ...]
    sentence_acts: tuple[re.Pattern[str], ...] = ()


@lru_cache(maxsize=2)
def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """The rules of advice_rules.yml, their {macros} expanded and compiled once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: dict[str, str] = data["words"]

    def expand(pattern: str) -> str:
        return re.sub(r"\{([a-z_]+)\}", lambda m: words[m[1]] if m[1] in words else m[0], pattern)

    return tuple(
        Rule(
            name,
            tuple(re.compile(expand(act)) for act in spec["acts"]),
            tuple(re.compile(expand(act)) for act in spec.get("sentence_acts") or []),
        )
        for name, spec in data["rules"].items()
    )


def _before(clause: str, start: int) -> str:
    """The words before ``start`` that govern it: back to the last comma or coordinated verb."""
    before = clause[:start]
    cuts = [
        m.end()
        for m in _RESET.finditer(before)
        if m[0] == "," or not _INFINITIVE_NEXT.match(before[m.end() :] + clause[start:])
    ]
    # "ne va pas au rendez-vous, même pour récupérer les photos": "même" carries the negation on
    while cuts and re.match(r"\s*(?:meme|surtout|ni|pas meme|jamais)\b", before[cuts[-1] :]):
        cuts.pop()
    return before[cuts[-1] :] if cuts else before


# "À ta place, je paierais": a first person that advises.
_SUGGESTS = re.compile(
    r"\b(?:a ta place|a votre place|si j etais toi|si j etais vous|moi (?:a ta place )?je|perso je|"
    r"franchement je|"
    r"il faut (?:que|qu)|il faudrait (?:que|qu)|(?:il )?vaut mieux (?:que|qu)|il (?:est temps|serait temps) "
    r"(?:que|qu))\b"
)


# The clause opens with an infinitive: the act is what the sentence talks about, and a bad
# consequence said after it (no comma between) takes it back: "supprimer les messages trop vite
# peut empêcher la police…", "envoyer une photo à quelqu'un n'est pas une faute".
_OPENS_WITH_INFINITIVE = re.compile(
    r"^\s*(?:le fait de |le fait d )?(?:(?:le|la|les|l|lui|leur|te|t|se|s|en|y) )*" + _INFINITIVE
)
_BAD_CONSEQUENCE = re.compile(
    r"^[^,;]{0,80}?\b(?:risque\w*|(?:peut|peuvent|pourrait|pourraient|va|vont)\b[^,;]{0,20}?\b(?:mettre|"
    r"empech\w*|fai\w* disparaitre|"
    r"expos\w*|aggrav\w*|relanc\w*|pouss\w*|nui\w*|compromet\w*|isol\w*|donner l impression|donner le "
    r"sentiment|bless\w*|"
    r"detrui\w*|effac\w*|perdre|encourag\w*|alert\w*|provoqu\w*|enerv\w*)|n est pas|ne sont pas|ne fait pas|"
    r"ne font pas|"
    r"ne change|n arrete|ne sert|est interdit\w*|est puni\w*|est illegal\w*|est un delit|est une infraction|"
    r"est grave|"
    r"est dangereu\w*|est une erreur|montre (?:que|qu)|lui montre|leur montre|n aide pas|ne regle rien|ne "
    r"resout rien)"
)
# A condition with a promised outcome is advice: "si tu lui renvoies une photo, il va se calmer".
_PROMISED = re.compile(
    r"\b(?:va|vont|devrait|devraient)(?: (?:te|vous|le|la|les|l|se|s|t))* (?:se calmer|calmer|arreter|"
    r"laisser|lacher|effacer|supprimer|"
    r"disparaitre|finir|passer|oublier|partir)|\b(?:se |s )?(?:calmera|arretera|laissera|lachera|effacera|"
    r"supprimera|oubliera|"
    r"finira|partira)|\bsera (?:regle\w*|fini\w*|termine\w*|tranquille|oublie\w*)|\bca (?:ira|passera|se "
    r"reglera|le calmera)"
)
# A rule's own frames: letting the child keep their phone is the opposite of confiscating it.
_RULE_TAKEN_BACK = {
    "confiscate": re.compile(r"\b(?:laiss\w*|permet\w*|autoris\w*)\b[^,;]{0,30}$"),
}


def _governs(clause: str, start: int) -> tuple[str, str]:
    """The words before ``start`` that govern it, and the segment before those (after a comma)."""
    before = _before(clause, start)
    previous = clause[: start - len(before)].rstrip(", ")
    cut = [m.end() for m in _RESET.finditer(previous)]
    return before, previous[cut[-1] if len(cut) > 1 else 0 :] if previous else ""


def _taken_back(rule: str, clause: str, sentence: str, match: re.Match[str]) -> bool:
    """True when what is around an act takes it back (module docstring, in this order)."""
    before, previous = _governs(clause, match.start())
    head = clause[: match.start()]
    rest = clause[match.end() :]
    if rule == "delete_evidence" and _EVIDENCE_FIRST.search(sentence):
        return True
    if rule in _RULE_TAKEN_BACK and _RULE_TAKEN_BACK[rule].search(head):
        return True
    # The act's own words hold the negation ("tu n'aurais pas dû", "plus de téléphone"): not a "ne … pas"
    # around it.
    own_negation = bool(
        re.match(r"^(?:(?:tu|vous|il|elle|t|ca|on) )?(?:ne|n|plus|pas|fallait|faut)\b", match[0])
    )
    if own_negation:  # "tu n'aurais pas dû", "elle n'aura plus accès à": the negation is the act
        reported = re.search(
            r"\b(?:que|qu) (?:il|elle|ils|elles)\s*$", before
        )  # "dites-lui qu'elle n'aura plus…"
        if (
            match[0].startswith(("ne ", "n "))
            and (words := before.split())
            and words[-1] not in _ADVISING_BEFORE_NE
            and not reported
        ):
            return True  # "Relais ne garde rien": a subject of its own, told not advised
        return rule == "blame" and bool(_BLAME_TAKEN_BACK.search(before))
    first = match[0].split(" ", 1)[0]
    if first in _NOUN_LIKE and _DETERMINER_BEFORE.search(head):
        return True  # "des menaces", "aucune capture": a noun
    if match[0] == "la rencontre" and re.match(
        r"\s+(?:est|a|aura|sera|prevue|imminente|doit|avec|de|du|en|ou|se)\b", rest
    ):
        return True
    if _JUDGED_AFTER.match(rest[:90]) or (
        _OPENS_WITH_INFINITIVE.match(clause) and _BAD_CONSEQUENCE.match(rest)
    ):
        return True  # "diffuser l'image est puni", "le provoquer peut relancer les attaques"
    told = before
    if _ONLY_CLITICS.fullmatch(before) is not None and (
        before.strip() or len(previous.split()) <= 2 or re.search(r"\bqui\b[^,;]{0,40}$", previous)
    ):
        told = head.replace(
            ",", " "
        )  # "celui qui menace, harcèle": the subject is in the part before the comma
    if _DESCRIBES.search(told) or _CAUSED.search(head) or _CAUSED.search(before):
        conditional = re.search(r"\b(?:si|s)\b", told) is not None
        if not _SUGGESTS.search(head) and not (conditional and _PROMISED.search(rest)):
            return True
    minimises = re.match(
        r"^\s+(?:ne|n) (?:change\w*|coute\w*|fera|fait) (?:rien|pas grand chose|pas de mal)", rest
    )
    if re.match(r"^(?:\s+(?:ou|et|ni)\s+\w+\b)*\s+(?:ne|n)\b", rest) and not minimises:
        return True  # the act is the subject of a negation: "payer ne fait pas disparaître les photos"
    pushed = _PUSHES.search(before)
    governing = before[pushed.end() :] if pushed else before
    if _FORBIDS.search(governing):
        return True
    negations = list(_NEGATION_WORD.finditer(governing))
    # "ne le rencontre jamais", "n'envoie plus rien", "il ne faut pas payer"
    if negations and (
        _NEGATION_PARTICLE.search(governing[negations[-1].end() :])
        or re.match(_PARTICLE_SOON, clause[match.start() : match.end() + 25])
    ):
        return True
    if rule == "blame":
        return False  # "t'avais qu'à pas l'envoyer": the "pas" is part of the blame
    # texting drops the "ne": "paye pas", "le rencontre jamais"
    return bool(re.match(r"^[^\w,]*(?:\w+[^\w,]+)?(?:pas|jamais|surtout pas|plus jamais)\b", rest[:30]))


def check(sentence: str) -> list[str]:
    """The rules ``sentence`` breaks, in the order of advice_rules.yml (empty: safe)."""
    folded = fold(sentence)
    broken: list[str] = []
    clauses = _CLAUSE_END.split(folded)
    whole = ", ".join(clauses)  # the sentence as one clause, for sentence_acts
    for rule in load_rules():
        found = any(
            not _taken_back(rule.name, clause, folded, m)
            for clause in clauses
            for act in rule.acts
            for m in act.finditer(clause)
        ) or any(
            not _taken_back(rule.name, whole, folded, m)
            for act in rule.sentence_acts
            for m in act.finditer(whole)
        )
        if found:
            broken.append(rule.name)
    return broken


def verdict(line: str) -> dict[str, object]:
    """The JSON object printed for one input line."""
    rules = check(line)
    return {"unsafe": bool(rules), "rules": rules}


def main(stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    """One JSON line per input line; undecodable bytes are replaced, never an error."""
    source = stdin or sys.stdin.buffer
    out = stdout or sys.stdout
    for raw in source:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        try:
            result = verdict(line)
        except Exception:  # noqa: BLE001 - a checker that crashes on a line is worse than one that says "don't know"
            result = {"unsafe": False, "rules": [], "error": "unreadable line"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
