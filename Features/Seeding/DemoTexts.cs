namespace Inbox.Features.Seeding;

/// <summary>
/// Sentences for demo conversations between a maintenance company and its customers, in French and English.
/// Placeholders: {contact} {agent} {product} {order} {date} {time} {price} {city} {count}.
/// </summary>
static class DemoTexts
{
    public sealed record Language(
        string Code,
        string[] Products,
        string[] Subjects,
        string[] Openers,
        string[] FollowUps,
        string[] Replies,
        string[] Closings);

    public static readonly Language French = new(
        "fr",
        Products: ["machine à café", "lave-linge industriel", "chaudière", "compresseur", "four professionnel", "chambre froide", "imprimante", "climatiseur"],
        Subjects:
        [
            "Commande {order} non reçue", "Demande de devis pour {count} machines", "Rendez-vous à décaler",
            "Erreur sur la facture {order}", "Panne après l'intervention", "Question sur la garantie",
            "Bruit anormal de la {product}", "Contrat d'entretien annuel", "Pièce détachée manquante",
            "Électricité coupée pendant l'intervention",
        ],
        Openers:
        [
            "Bonjour, j'ai commandé une pièce pour notre {product} le {date} et je n'ai toujours rien reçu. Pouvez-vous vérifier la commande {order} ?",
            "Bonjour, la {product} que vous avez réparée fait de nouveau un bruit étrange depuis ce matin. Est-ce couvert par la garantie ?",
            "Bonsoir, est-il possible de décaler le rendez-vous du {date} ? Je ne serai pas sur place.",
            "Bonjour, nous souhaitons un devis pour l'entretien de {count} machines sur notre site de {city}.",
            "Bonjour, la facture {order} comporte une erreur : le montant indiqué est de {price} € alors que le devis était différent.",
            "Bonjour, l'électricité a sauté pendant l'intervention d'hier et la {product} ne redémarre plus. Pouvez-vous renvoyer un technicien ?",
            "Bonjour, notre {product} affiche un code d'erreur E{count} depuis lundi. Que devons-nous faire ?",
            "Bonjour, pourriez-vous m'envoyer le rapport d'intervention du {date} ? Notre assurance le demande.",
        ],
        FollowUps:
        [
            "Merci pour votre retour rapide.", "Toujours aucune nouvelle de mon côté…", "Je vous envoie les photos dès que possible.",
            "Parfait, ça me convient.", "Le technicien peut-il passer plutôt le matin ?", "C'est noté, merci beaucoup !",
            "La machine refonctionne, merci à votre équipe.", "Pouvez-vous me rappeler au bureau cet après-midi ?",
            "Le problème est revenu ce matin, malheureusement.", "Est-ce que le déplacement est facturé ?",
        ],
        Replies:
        [
            "Bonjour {contact}, merci pour votre message. Je vérifie cela tout de suite.",
            "Je viens de relancer le transporteur : vous devriez recevoir un numéro de suivi d'ici demain.",
            "Un technicien passera le {date} entre {time}. Cela vous convient-il ?",
            "C'est bien couvert par la garantie, aucun frais ne vous sera facturé.",
            "Je vous ai envoyé un avoir de {price} € par e-mail.",
            "Pouvez-vous m'envoyer une photo de la plaque signalétique de la {product} ?",
            "Je transmets votre demande à {agent}, qui s'occupe des devis.",
            "Le devis pour {count} machines est en pièce jointe, il reste valable 30 jours.",
            "Nous avons bien reçu vos photos, la pièce est commandée.",
            "Le déplacement est inclus dans votre contrat d'entretien.",
        ],
        Closings:
        [
            "Je clôture la demande. Bonne journée et n'hésitez pas à revenir vers nous si besoin.",
            "Ravi que tout fonctionne à nouveau ! Je clôture le ticket.",
        ]);

    public static readonly Language English = new(
        "en",
        Products: ["coffee machine", "industrial washer", "boiler", "air compressor", "commercial oven", "walk-in freezer", "printer", "air conditioner"],
        Subjects:
        [
            "Order {order} not received", "Quote request for {count} machines", "Rescheduling our appointment",
            "Billing error on invoice {order}", "Fault after the repair visit", "Warranty question",
            "Strange noise from the {product}", "Annual maintenance contract", "Missing spare part", "Power cut during the visit",
        ],
        Openers:
        [
            "Hi, we ordered a part for our {product} on {date} and still haven't received anything. Could you check order {order}?",
            "Hello, the {product} you repaired is making a strange noise again since this morning. Is that covered by the warranty?",
            "Good evening, could we move the appointment on {date}? Nobody will be on site.",
            "Hi, we'd like a quote for servicing {count} machines at our {city} site.",
            "Hello, invoice {order} looks wrong: it says {price} but the quote was different.",
            "Hi, the power tripped during yesterday's visit and the {product} won't start any more. Can you send a technician back?",
            "Hello, our {product} has been showing error code E{count} since Monday. What should we do?",
            "Hi, could you send me the service report from {date}? Our insurer is asking for it.",
        ],
        FollowUps:
        [
            "Thanks for the quick answer.", "Still nothing on my side…", "I'll send the photos as soon as I can.",
            "Perfect, that works for us.", "Could the technician come in the morning instead?", "Noted, thanks a lot!",
            "The machine is running again, thanks to your team.", "Could you call me at the office this afternoon?",
            "The problem came back this morning, unfortunately.", "Is the call-out charged?",
        ],
        Replies:
        [
            "Hi {contact}, thanks for your message. I'm looking into it right now.",
            "I've chased the carrier: you should get a tracking number by tomorrow.",
            "A technician will come on {date} between {time}. Does that suit you?",
            "That is covered by the warranty, there will be no charge.",
            "I've emailed you a credit note for {price}.",
            "Could you send me a photo of the {product}'s rating plate?",
            "I'm passing your request to {agent}, who handles quotes.",
            "The quote for {count} machines is attached; it is valid for 30 days.",
            "We got your photos, the part is on order.",
            "The call-out is included in your maintenance contract.",
        ],
        Closings:
        [
            "I'm closing this request. Have a good day, and get back to us any time.",
            "Glad everything works again! Closing the ticket.",
        ]);
}
