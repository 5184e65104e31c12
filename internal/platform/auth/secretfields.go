package auth

import "strings"

// SecretField reports whether a request field of this name carries a secret
// (a password, a token, a client secret, an API key). Such values are never
// written to the audit log and never echoed in an error.
func SecretField(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"password", "secret", "token", "api_key", "apikey", "authorization", "cookie", "credential"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
