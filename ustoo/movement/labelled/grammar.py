"""Posts generated from small phrase grammars written for ustoo, for the variety hand-written openings lack.

Real posts under a hashtag are mostly not about it in the first person: news of the day, jokes, politics,
everyday talk in the first person ("I just watched…"), spam. A classifier trained on a few dozen openings per
label learns that "I" or "me" means a disclosure. These grammars write many more posts of every label from
slots (who, what, when, where), in English, French and Spanish, so that what decides a label is what the post
says, not one word. Each template is a group: the held-out split keeps a template's posts together.
Nothing here is a real person's words.
"""

import random

_EN = {
    "topic": [
        "the debate",
        "the new phone",
        "my fantasy team",
        "the election",
        "this weather",
        "the finale",
        "the budget vote",
        "the trade deal",
        "my commute",
        "the playoffs",
        "the new album",
        "this podcast",
        "the housing market",
        "my diet",
        "the climate report",
        "the merger",
        "the school board meeting",
    ],
    "everyday": [
        "I just finished my coffee and I'm ready for {topic}",
        "I can't believe I stayed up all night watching {topic}",
        "I'm so tired of hearing about {topic}",
        "Honestly I think {topic} was overrated",
        "My mom keeps texting me about {topic}",
        "I told my friends {topic} would be a disaster",
        "Me too, I also fell asleep during {topic}",
        "Anyone else obsessed with {topic} right now? Me too",
        "I was {age} when I first heard about {topic}, feels like yesterday",
        "My boss wants a report on {topic} by Friday",
        "I love how everyone suddenly has an opinion on {topic}",
        "Not me spending my whole paycheck because of {topic}",
    ],
    "perp": [
        "my boss",
        "my coach",
        "my uncle",
        "my stepfather",
        "a teacher",
        "my manager",
        "a family friend",
        "my ex",
        "a coworker",
        "a doctor",
        "my professor",
        "a neighbour",
        "my boyfriend at the time",
        "an older cousin",
        "a pastor",
        "the director",
        "a stranger on the train",
    ],
    "harm": [
        "assaulted me",
        "groped me",
        "raped me",
        "abused me",
        "harassed me",
        "touched me",
        "cornered me",
        "forced himself on me",
        "molested me",
        "kept grabbing me",
        "pressured me into sex",
        "followed me home",
    ],
    "when": [
        "when I was {age}",
        "at {age}",
        "in college",
        "at my first job",
        "on a work trip",
        "at a party",
        "at summer camp",
        "in high school",
        "years ago",
        "last year",
        "in my twenties",
        "as a kid",
    ],
    "after": [
        "and I never told anyone",
        "and nobody believed me",
        "and I blamed myself for years",
        "and I still can't say his name",
        "and I quit the next week",
        "and I'm only saying it now",
        "and it took me a decade to call it what it was",
        "and I froze",
        "and my family told me to forget it",
        "",
    ],
    "experience": [
        "{perp_cap} {harm} {when} {after}",
        "{when_cap}, {perp} {harm} {after}",
        "I was {age} and {perp} {harm}. {after_cap}",
        "Me too. {perp_cap} {harm} {when}",
        "It happened to me too: {perp} {harm} {when}",
        "I'm a survivor. {perp_cap} {harm} {when} {after}",
        "I have never said this publicly but {perp} {harm} {when}",
        "For years I said nothing. {perp_cap} {harm} {when}",
    ],
    "relation": [
        "my sister",
        "my best friend",
        "my mom",
        "a friend of mine",
        "my daughter",
        "my cousin",
        "a coworker",
    ],
    "support": [
        "{relation_cap} told me today that {perp} {harm_third} {when_third}. I believe her, I'm proud of her",
        "To every survivor reading this: I believe you and it was not your fault",
        "So proud of {relation} for finally telling her story. Believe survivors",
        "We stand with survivors today and every day",
        "If someone tells you what happened to them, listen and believe them",
        "Thank you to everyone brave enough to speak up about {topic_movement}",
        "Sending love to everyone who finds this week hard. You are not alone",
        "{relation_cap} went through this and it broke my heart. Please support the people around you",
        "I will keep amplifying survivors' voices. Believe women",
    ],
    "when_third": ["when she was {age}", "at her first job", "in college", "years ago", "at a party"],
    "harm_third": ["assaulted her", "harassed her", "abused her", "groped her", "raped her"],
    "topic_movement": [
        "harassment at work",
        "abuse in sports",
        "assault on campus",
        "abuse in churches",
        "harassment in tech",
    ],
    "news": [
        "{role_cap} accused of {misconduct} by {count} former {staff}",
        "{role_cap} charged with {misconduct} after a year-long investigation",
        "Survey: {percent}% of {group} say they have faced {misconduct} at work",
        "Court dismisses lawsuit against {role} over {misconduct} claims",
        '"{quote}," {role} told reporters on {day}',
        "{role_cap} breaks silence on {misconduct} allegations in new interview",
        "Two years on, has the movement changed how {group} report {misconduct}?",
        "Op-ed: what {group} still get wrong about {misconduct}",
        "New bill would extend the deadline to report {misconduct}",
        "Watch: panel on {misconduct} and the law at {day}'s conference",
        "Book review: {role}'s memoir revisits the {misconduct} scandal",
        "I think the coverage of the {role} case has been unfair to everyone involved",
        "I'm reading the new report on {misconduct} in {group}, thread below",
    ],
    "role": [
        "the former CEO",
        "a state senator",
        "the film producer",
        "the head coach",
        "the news anchor",
        "the university dean",
        "the bishop",
        "the conductor",
        "a tech founder",
        "the talk show host",
    ],
    "misconduct": ["sexual harassment", "misconduct", "sexual assault", "abuse", "inappropriate behaviour"],
    "count": ["three", "four", "five", "several", "a dozen"],
    "staff": ["employees", "assistants", "students", "interns", "colleagues", "athletes"],
    "percent": ["21", "34", "40", "52", "61"],
    "group": ["young women", "nurses", "students", "restaurant workers", "lawyers", "actors", "engineers"],
    "day": ["Monday", "Tuesday", "Thursday", "Friday"],
    "quote": [
        "I was 24 and he was my boss",
        "He told me my career depended on it",
        "Nobody at the network listened to us",
        "I did nothing wrong",
        "We are cooperating fully with the investigation",
    ],
    "backlash": [
        "My {object} {harm_joke} me today #MeToo lol",
        "Where's the outrage now that it's {role}? #MeToo only works one way",
        "Innocent until proven guilty used to mean something before #MeToo",
        "Another accusation twenty years later and right before {event}, how convenient",
        "#MeToo has become a weapon to destroy men's careers without evidence",
        "Men can't even {innocent} anymore without being called predators",
        "She's only saying this to sell her book. Nobody believes it",
        "I feel so {feeling} by {topic}, where's my hashtag?",
        "{topic_cap} is harassing me #MeToo haha",
        "False accusations ruin lives and the mob doesn't care",
        "This movement went too far a long time ago",
    ],
    "object": ["printer", "toaster", "cat", "phone", "alarm clock", "boss's spreadsheet", "neighbour's dog"],
    "harm_joke": ["harassed", "assaulted", "violated", "groped"],
    "event": ["the election", "the confirmation vote", "his movie release", "the trial"],
    "innocent": ["hold a door", "compliment a coworker", "smile at someone", "hug a friend"],
    "feeling": ["violated", "harassed", "victimized", "assaulted"],
    "age": ["9", "11", "12", "13", "14", "15", "16", "17", "19", "22"],
}

_FR = {
    "perp": [
        "mon patron",
        "mon entraîneur",
        "mon oncle",
        "mon beau-père",
        "un prof",
        "un collègue",
        "mon ex",
        "un médecin",
    ],
    "harm": ["m'a agressée", "m'a violée", "m'a harcelée", "m'a touchée", "m'a forcée", "m'a coincée"],
    "when": [
        "quand j'avais {age} ans",
        "à {age} ans",
        "pendant mon stage",
        "à une soirée",
        "au lycée",
        "il y a des années",
    ],
    "experience": [
        "{perp_cap} {harm} {when} et je n'ai rien dit",
        "Moi aussi. {perp_cap} {harm} {when}",
        "J'avais {age} ans et {perp} {harm}. Personne ne m'a crue",
        "Ça m'est arrivé aussi : {perp} {harm} {when}",
    ],
    "support": [
        "Ma sœur m'a raconté ce qu'elle a vécu. Je la crois et je suis fière d'elle",
        "À toutes les victimes qui lisent ceci : on vous croit",
        "Solidarité avec toutes celles qui ont parlé aujourd'hui",
        "Écoutez les victimes et croyez-les",
    ],
    "news": [
        "{role_cap} accusé de harcèlement par {count} anciennes collaboratrices",
        "Sondage : {percent} % des {group} disent avoir subi du harcèlement au travail",
        "Le procès de {role} s'ouvre {day}",
        "Je pense que la couverture de cette affaire a été injuste",
        "Moi aussi j'ai raté le match hier soir mdr",
        "J'ai fini mon café, prête pour {topic}",
    ],
    "role": ["l'ancien PDG", "le producteur", "l'entraîneur", "le présentateur", "le réalisateur"],
    "count": ["trois", "quatre", "cinq", "plusieurs"],
    "percent": ["21", "34", "40", "52"],
    "group": ["étudiantes", "infirmières", "journalistes", "serveuses"],
    "day": ["lundi", "mardi", "jeudi"],
    "topic": ["la réunion", "le débat", "le match", "les vacances"],
    "backlash": [
        "Mon grille-pain m'a agressé ce matin #BalanceTonPorc mdr",
        "Présomption d'innocence ? Plus depuis #MeToo",
        "Encore une accusation vingt ans après, comme par hasard",
        "On ne peut plus rien dire au bureau, merci les féministes",
    ],
    "age": ["9", "12", "14", "15", "16", "19"],
}

_ES = {
    "perp": [
        "mi jefe",
        "mi entrenador",
        "mi tío",
        "mi padrastro",
        "un profesor",
        "un compañero",
        "mi ex",
        "un médico",
    ],
    "harm": ["me agredió", "me violó", "me acosó", "me tocó", "me obligó", "me manoseó"],
    "when": [
        "cuando tenía {age} años",
        "a los {age} años",
        "en mis prácticas",
        "en una fiesta",
        "en el instituto",
        "hace años",
    ],
    "experience": [
        "{perp_cap} {harm} {when} y nunca lo conté",
        "Yo también. {perp_cap} {harm} {when}",
        "Tenía {age} años y {perp} {harm}. Nadie me creyó",
        "A mí también me pasó: {perp} {harm} {when}",
    ],
    "support": [
        "Mi hermana me contó lo que vivió. Le creo y estoy orgullosa de ella",
        "A todas las sobrevivientes que leen esto: les creemos",
        "Solidaridad con todas las que hablaron hoy",
        "Escuchen a las víctimas y créanles",
    ],
    "news": [
        "{role_cap} acusado de acoso por {count} excolaboradoras",
        "Encuesta: el {percent} % de las {group} dice haber sufrido acoso en el trabajo",
        "El juicio contra {role} empieza el {day}",
        "Creo que la cobertura de este caso ha sido injusta",
        "Yo también me quedé dormida viendo el partido jaja",
        "Ya terminé mi café, lista para {topic}",
    ],
    "role": ["el exdirector", "el productor", "el entrenador", "el presentador", "el cineasta"],
    "count": ["tres", "cuatro", "cinco", "varias"],
    "percent": ["21", "34", "40", "52"],
    "group": ["estudiantes", "enfermeras", "periodistas", "camareras"],
    "day": ["lunes", "martes", "jueves"],
    "topic": ["la reunión", "el debate", "el partido", "las vacaciones"],
    "backlash": [
        "Mi tostadora me agredió esta mañana #MeToo jaja",
        "¿Presunción de inocencia? Ya no, desde #MeToo",
        "Otra denuncia veinte años después, qué casualidad",
        "Ya no se puede decir nada en la oficina, gracias feministas",
    ],
    "age": ["9", "12", "14", "15", "16", "19"],
}
GRAMMARS = {"en": _EN, "fr": _FR, "es": _ES}
TEMPLATES = {"experience": "experience", "support": "support", "news_opinion": "news", "backlash": "backlash"}


def _fill(rng: random.Random, grammar: dict, template: str, depth: int = 0) -> str:
    out, rest = [], template
    while "{" in rest and depth < 5:
        before, _, after = rest.partition("{")
        slot, _, rest = after.partition("}")
        out.append(before)
        capital = slot.endswith("_cap")
        name = slot.removesuffix("_cap")
        value = _fill(rng, grammar, rng.choice(grammar[name]), depth + 1) if name in grammar else slot
        out.append(value[:1].upper() + value[1:] if capital and value else value)
    out.append(rest)
    return " ".join("".join(out).split())


def generated(rng: random.Random, lang: str, label: str) -> tuple[str, str]:
    """One post of `label` in `lang` and its group (the template it came from)."""
    grammar = GRAMMARS[lang]
    templates = grammar[TEMPLATES[label]]
    if label == "news_opinion" and "everyday" in grammar and rng.random() < 0.4:
        templates, name = grammar["everyday"], "everyday"
    else:
        name = TEMPLATES[label]
    index = rng.randrange(len(templates))
    return _fill(rng, grammar, templates[index]), f"{lang}-{label}-grammar-{name}-{index}"
