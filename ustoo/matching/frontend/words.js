// The words the escrow's script shows, by key (matching.js calls t(key, values)), through the site's
// JavaScript catalogue so that each is in the reader's language (core/frontend/text.js). `%(name)s` is
// filled in by the script; a counted message is a function of its count, for ngettext to pick the form.
import { gettext, ngettext } from "../../core/frontend/text.js";

export const words = () => ({
  // Errors, shown at the top of the form and at the field they are about
  error_prefix: gettext("Error:"),
  error_title: gettext("There is a problem"),
  nothing_lost: gettext("Nothing you typed is lost, and nothing was sent."),
  error_unexpected: gettext("Something went wrong. Nothing you typed is lost: try again."),
  error_network: gettext("The site could not be reached. Nothing you typed is lost: check the connection and try again."),
  error_server: gettext("The site could not do this just now. Nothing you typed is lost: try again in a moment."),
  error_service: gettext("The matching service is not answering just now. Your entry was not sent; nothing you typed is lost. Try again later."),
  error_too_many: gettext("You have used the checks this account has for now. Your entry was not sent; nothing you typed is lost. You can send it again after %(time)s."),
  // Two sentences, each counted: one ngettext cannot follow two numbers.
  error_budget_named: (n) =>
    ngettext(
      "This entry names %(count)s way of reaching the person.",
      "This entry names %(count)s ways of reaching the person.",
      n,
    ),
  error_budget_short: (n) =>
    ngettext(
      "This account can check %(count)s more today. Remove some, or come back tomorrow.",
      "This account can check %(count)s more today. Remove some, or come back tomorrow.",
      n,
    ),
  error_budget_none: gettext("This account has used the checks it has for now. You can make an entry again tomorrow, or in the days after if this month's are used too."),
  error_proof: gettext("Your entry was not sent. The matching service answered with another key than the one this site publishes, so its answer cannot be trusted. Nothing you typed was sent to anyone. Please tell the people who run this site."),
  error_no_key: gettext("No counselor is ready to receive entries yet. Your entry was not sent; try again later."),
  error_identifier_missing: gettext("Write a phone number, an e-mail address or a handle."),
  error_too_many_identifiers: gettext("An entry names one person, with 1 to 5 ways of reaching them."),
  error_on_match: gettext("Choose what you want to happen if someone else names the same person."),
  error_contact_missing: gettext("Write how a counselor can reach you, or choose not to be contacted."),
  error_record_too_long: gettext("What you wrote is longer than an entry can hold (about 16,000 characters in all). Shorten it."),
  // Why an identifier is refused (identifiers.js names the rule)
  reason_phone_characters: gettext("A phone number holds only the digits 0 to 9, spaces and + - ( ) . / (one + at most, no extension)."),
  reason_phone_unparsed: gettext("This is not a phone number. If it does not start with +, choose its country."),
  reason_phone_length: gettext("This number has too many or too few digits for its country. Write it with its area code."),
  reason_email_shape: gettext("An e-mail address looks like name@example.org."),
  reason_email_domain: gettext("Write the part after @ in plain letters, digits, dots and dashes (an accented domain as its xn-- form)."),
  reason_email_local_empty: gettext("The part before @ is empty."),
  reason_handle: gettext("This is not a handle or profile address on this platform."),
  reason_mastodon: gettext("A fediverse handle looks like @name@example.social."),
  reason_kind: gettext("Choose what kind of identifier this is."),
  reason_too_long: gettext("This is too long to be an identifier."),
  identifier_field: gettext("Identifier %(number)s"),
  country_label: gettext("Country of this number"),
  country_none: gettext("Choose (not needed if it starts with +)"),
  // Progress and outcomes
  checking: gettext("Checking with the matching service, without telling it what you wrote. This takes a few seconds…"),
  locking: gettext("Locking your entry in this browser and sending it…"),
  budget_left: (n) =>
    ngettext(
      "This account can check %(count)s more phone number, address or handle today.",
      "This account can check %(count)s more phone numbers, addresses or handles today.",
      n,
    ),
  budget_month: (n) => ngettext("(%(count)s more in the next 30 days.)", "(%(count)s more in the next 30 days.)", n),
  held_since: gettext("Held since %(date)s."),
  remove_identifier: gettext("Remove"),
  remove_identifier_named: gettext("Remove identifier %(number)s"),
  in_hours: (n) => ngettext("about %(count)s hour", "about %(count)s hours", n),
  in_minutes: (n) => ngettext("about %(count)s minute", "about %(count)s minutes", n),
});
