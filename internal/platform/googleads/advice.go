package googleads

import (
	"errors"
	"net/http"
	"strings"
)

// Advice is the step that fixes err, in a sentence, or "" when there is no
// particular one. The check command prints it; a publisher can show it.
func Advice(err error) string {
	var nc *NotConnectedError
	var auth *AuthError
	var netErr *NetworkError
	var quota *QuotaExhaustedError
	var unknown *UnknownOutcomeError
	var api *APIError
	switch {
	case errors.As(err, &nc):
		return "Set " + strings.Join(nc.Missing, ", ") + ` (each also as NAME_FILE); README, "Connect Google Ads", shows where each comes from.`
	case errors.As(err, &auth):
		switch auth.Code {
		case "invalid_grant":
			return "Get a new refresh token: sign in as a user with access to the accounts, consent to the scope " + Scope +
				` (OAuth Playground with your own client, or a loopback flow; README, "Connect Google Ads", step 4) and set ` + EnvRefreshToken + `. A refresh token of a client whose consent screen is in "Testing" expires after 7 days.`
		case "invalid_client", "unauthorized_client":
			return "Check " + EnvClientID + " and " + EnvClientSecret + " against the OAuth client in the Google Cloud console (APIs & Services → Credentials); the refresh token must have been made with the same client."
		}
		return "The OAuth token endpoint refused the request: check " + EnvTokenURL + " and the OAuth client."
	case errors.As(err, &quota):
		return "Wait for the daily quota to reset, or apply for a higher access level on the Google Ads API Overview page of the Google Cloud project."
	case errors.As(err, &unknown):
		return "Look the changes up (googleAds:search by name) before sending the mutate again."
	case errors.As(err, &api):
		return apiAdvice(api)
	case errors.As(err, &netErr):
		setting := EnvAPIURL
		if netErr.Call == tokenCall {
			setting = EnvTokenURL
		}
		return "Check the network path to " + netErr.Host + " (DNS, proxy, firewall) and " + setting + "."
	}
	return ""
}

func apiAdvice(e *APIError) string {
	switch {
	case e.Has("requestError.UNSUPPORTED_VERSION"):
		return "This API version is retired: set " + EnvAPIVersion + " to a current one (default " + DefaultAPIVersion + ")."
	case e.HTTPStatus == http.StatusNotFound && len(e.Errors) == 0:
		return "No such endpoint: check " + EnvAPIURL + " and " + EnvAPIVersion + " (the version may be retired; default " + DefaultAPIVersion + ")."
	case e.Has("requestError.DEVELOPER_TOKEN_PARAMETER_MISSING"):
		return "This API version still wants a developer token: set " + EnvDeveloperToken + " (Google Ads API Center of the manager account), or use a version that no longer needs it."
	case e.Has("authenticationError.DEVELOPER_TOKEN_INVALID"), e.Has("authorizationError.DEVELOPER_TOKEN_PROHIBITED"):
		return "The developer token is not valid for this OAuth client's Cloud project: copy it again from the API Center of the manager account into " + EnvDeveloperToken + ", or leave it unset (Google ignores it since 9 September 2026)."
	case e.Has("authorizationError.DEVELOPER_TOKEN_NOT_APPROVED"):
		return "The developer token has test access only: use test accounts, or apply for Basic access in the API Center of the manager account."
	case e.Has("authorizationError.CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION"):
		return "The Google Cloud project of the OAuth client has Test access only: use test accounts, or apply for Explorer access on the project's Google Ads API Overview page in the Cloud console."
	case e.Has("authenticationError.NOT_ADS_USER"):
		return "The Google user who made the refresh token has no Google Ads account: invite that user to the manager account, or make the refresh token as a user who has access."
	case e.Has("headerError.INVALID_LOGIN_CUSTOMER_ID"):
		return "Set " + EnvLoginCustomerID + " to the ten digits of the manager account (no dashes) that this Google user can reach, or leave it unset."
	case e.Has("authorizationError.USER_PERMISSION_DENIED"), e.Has("authorizationError.INVALID_LOGIN_CUSTOMER_ID_SERVING_CUSTOMER_ID_COMBINATION"):
		return "The account is not reachable this way: set " + EnvLoginCustomerID + " to the id of a manager account that manages it, or give the Google user access to the account."
	case e.Has("authenticationError.CUSTOMER_NOT_FOUND"):
		return "No Google Ads account has this id: check its ten digits (the id at the top of the Google Ads UI, without dashes)."
	case e.Has("authorizationError.CUSTOMER_NOT_ENABLED"):
		return "The account is not enabled (not finished or cancelled): finish its setup in the Google Ads UI or use another account."
	case e.Reason == "ACCESS_TOKEN_SCOPE_INSUFFICIENT":
		return "The refresh token lacks the scope " + Scope + ": make a new one that includes it and set " + EnvRefreshToken + "."
	case e.Reason == "SERVICE_DISABLED":
		return "Enable the Google Ads API in the Google Cloud project of the OAuth client (APIs & Services → Library → Google Ads API)."
	case e.HTTPStatus == http.StatusUnauthorized:
		return "Google refused the access token: check the OAuth client and refresh token (" + EnvClientID + ", " + EnvRefreshToken + ")."
	case e.Temporary():
		return "Google Ads is unavailable or rate-limited for now: try again in a few minutes."
	}
	return ""
}
