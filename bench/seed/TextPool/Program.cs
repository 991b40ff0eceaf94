using Bogus;

// Usage: TextPool <count> <output file>. Writes <count> message texts, one per line (COPY text format: no tabs,
// newlines or backslashes), half French and half English: support messages between a maintenance company and its
// customers, with Bogus filling in names, products, cities, amounts and dates. The seed is fixed, so every run
// searches the same corpus.
var count = args.Length > 0 ? int.Parse(args[0]) : 20_000;
var output = args.Length > 1 ? args[1] : "text-pool.txt";

Randomizer.Seed = new Random(20261124);
var fr = new Faker("fr");
var en = new Faker("en");

string[] frTemplates =
[
    "Bonjour, notre {product} est en panne depuis {day}. Pouvez-vous envoyer un technicien à {city} ?",
    "Bonjour {name}, merci pour votre retour rapide. Le technicien passera {day} dans la matinée.",
    "La facture {order} indique {amount} € alors que le devis était moins élevé, pouvez-vous vérifier ?",
    "Merci beaucoup, la {product} refonctionne parfaitement depuis l'intervention.",
    "Toujours aucune nouvelle de la commande {order}, merci de me tenir au courant.",
    "Est-il possible de décaler le rendez-vous de {day} ? Je ne serai pas sur place à {city}.",
    "Nous souhaitons un devis pour l'entretien de {count} machines chez {company}.",
    "La {product} affiche le code d'erreur E{count} et ne redémarre plus après la coupure d'électricité.",
    "C'est noté, merci {name}. Je vous envoie les photos de la plaque signalétique.",
    "Le déplacement est inclus dans votre contrat d'entretien annuel, aucun frais supplémentaire.",
    "Pouvez-vous me rappeler au bureau cet après-midi au sujet de la garantie ?",
    "La pièce détachée pour la {product} est commandée, livraison prévue {day}.",
    "Le problème est revenu ce matin : bruit anormal et fuite d'eau sous la {product}.",
    "Bonne journée et encore merci à toute votre équipe de {city}.",
];

string[] enTemplates =
[
    "Hello, our {product} stopped working on {day}. Could you send a technician to {city}?",
    "Hi {name}, thanks for the quick reply. The technician will come by {day} in the morning.",
    "Invoice {order} says {amount} dollars but the quote was lower, could you check it?",
    "Thanks a lot, the {product} works perfectly again since the visit.",
    "Still no news about order {order}, please keep me posted.",
    "Can we move the appointment on {day}? Nobody will be on site in {city}.",
    "We would like a quote for the maintenance of {count} machines at {company}.",
    "The {product} shows error code E{count} and does not restart after the power cut.",
    "Noted, thanks {name}. I am sending the pictures of the rating plate.",
    "Travel costs are included in your yearly maintenance contract, nothing extra to pay.",
    "Could you call me back at the office this afternoon about the warranty?",
    "The spare part for the {product} is ordered, delivery expected {day}.",
    "The problem came back this morning: strange noise and a water leak under the {product}.",
    "Have a good day and thanks again to your whole team in {city}.",
];

using var writer = new StreamWriter(output);
for (var i = 0; i < count; i++)
{
    var french = i % 2 == 0;
    var f = french ? fr : en;
    var templates = french ? frTemplates : enTemplates;
    // One to three sentences per message, so lengths and word counts vary like real messages.
    var sentences = Enumerable.Range(0, f.Random.Int(1, 3)).Select(_ => Fill(f.PickRandom(templates), f));
    writer.WriteLine(Clean(string.Join(' ', sentences)));
}
return 0;

static string Fill(string template, Faker f) => template
    .Replace("{product}", f.Commerce.ProductName().ToLowerInvariant())
    .Replace("{name}", f.Name.FirstName())
    .Replace("{city}", f.Address.City())
    .Replace("{company}", f.Company.CompanyName())
    .Replace("{order}", $"#{f.Random.Int(10_000, 99_999)}")
    .Replace("{amount}", f.Finance.Amount(50, 5_000).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture))
    .Replace("{count}", f.Random.Int(2, 40).ToString(System.Globalization.CultureInfo.InvariantCulture))
    .Replace("{day}", f.Date.Weekday().ToLowerInvariant());

static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ').Replace("\\", "");
