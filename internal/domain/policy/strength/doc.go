// Package strength estimates Google's Ad Strength for responsive search ads
// and Performance Max asset groups from their inputs, following Google's
// published criteria (reference §6b): enough headlines and descriptions,
// texts that differ in meaning and not only in bytes, the ad group's keywords
// in headlines, use of the available length, few pins, variety of message,
// and for asset groups every asset type with some depth.
//
// The result is a rating (Incomplete, Poor, Average, Good, Excellent), a
// score from 0 to 100 that orders sets within and across ratings, and action
// items with a stable code and a message in German and English. Like the
// policy rules it is a pure function of its input, cheap enough (a few
// microseconds) to run on every keystroke, so the API, the wizard and the
// generation loop rate a set the same way.
package strength
