package googleads_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/imaphub/imaphub/internal/platform/googleads"
)

func fromEnv(env map[string]string, files map[string]string) (googleads.Config, error) {
	return googleads.ConfigFrom(func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}, func(path string) ([]byte, error) {
		v, ok := files[path]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(v), nil
	})
}

func TestConfigDefaultsAndUnsetCredentials(t *testing.T) {
	c, err := fromEnv(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.APIURL != googleads.DefaultAPIURL || c.APIVersion != googleads.DefaultAPIVersion || c.TokenURL != googleads.DefaultTokenURL ||
		c.CallTimeout != googleads.DefaultCallTimeout || c.Connected() {
		t.Errorf("defaults %v", c)
	}
	if got := fmt.Sprint(c.Missing()); got != "[IMAPHUB_GOOGLEADS_CLIENT_ID IMAPHUB_GOOGLEADS_CLIENT_SECRET IMAPHUB_GOOGLEADS_REFRESH_TOKEN]" {
		t.Errorf("missing %s", got)
	}
}

func TestConfigReadsFilesAndNormalizes(t *testing.T) {
	c, err := fromEnv(map[string]string{
		googleads.EnvClientID:                 "id",
		googleads.EnvClientSecret + "_FILE":   "/run/secrets/secret",
		googleads.EnvRefreshToken + "_FILE":   "/run/secrets/refresh",
		googleads.EnvDeveloperToken + "_FILE": "/run/secrets/dev",
		googleads.EnvLoginCustomerID:          "123-456-7890",
		googleads.EnvAPIVersion:               "v24",
		googleads.EnvAPIURL:                   "http://127.0.0.1:9/",
		googleads.EnvCallTimeout:              "30s",
	}, map[string]string{"/run/secrets/secret": "s3cret\n", "/run/secrets/refresh": "1//refresh\n", "/run/secrets/dev": "devtoken"})
	if err != nil {
		t.Fatal(err)
	}
	if c.ClientSecret != "s3cret" || c.RefreshToken != "1//refresh" || c.DeveloperToken != "devtoken" || c.LoginCustomerID != "1234567890" ||
		c.APIVersion != "v24" || c.APIURL != "http://127.0.0.1:9" || c.CallTimeout != 30*time.Second || !c.Connected() {
		t.Errorf("config %+v", c)
	}
	// Secrets never appear in its printed or logged forms.
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "googleads", c)
	for _, out := range []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%+v", c), logged.String()} {
		for _, secret := range []string{"s3cret", "1//refresh", "devtoken"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q shows the secret %q", out, secret)
			}
		}
	}
}

func TestConfigRefusesMalformedValues(t *testing.T) {
	cases := []struct {
		env   map[string]string
		names string
	}{
		{map[string]string{googleads.EnvClientSecret: "a", googleads.EnvClientSecret + "_FILE": "/x"}, "IMAPHUB_GOOGLEADS_CLIENT_SECRET and IMAPHUB_GOOGLEADS_CLIENT_SECRET_FILE"},
		{map[string]string{googleads.EnvRefreshToken + "_FILE": "/missing"}, "IMAPHUB_GOOGLEADS_REFRESH_TOKEN_FILE /missing"},
		{map[string]string{googleads.EnvAPIVersion: "25"}, googleads.EnvAPIVersion},
		{map[string]string{googleads.EnvAPIURL: "googleads.googleapis.com"}, googleads.EnvAPIURL},
		{map[string]string{googleads.EnvLoginCustomerID: "12345"}, googleads.EnvLoginCustomerID},
		{map[string]string{googleads.EnvCallTimeout: "soon"}, googleads.EnvCallTimeout},
	}
	for _, c := range cases {
		_, err := fromEnv(c.env, map[string]string{"/x": "b"})
		if err == nil || !strings.Contains(err.Error(), c.names) {
			t.Errorf("%v: err %v, want one naming %s", c.env, err, c.names)
		}
	}
}

func TestNormalizeCustomerID(t *testing.T) {
	for in, want := range map[string]string{"123-456-7890": "1234567890", " 1234567890 ": "1234567890"} {
		if got, err := googleads.NormalizeCustomerID(in); err != nil || got != want {
			t.Errorf("%q → %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "123456789", "12345678901", "abc-def-ghij"} {
		if _, err := googleads.NormalizeCustomerID(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	if !errors.Is(&googleads.NotConnectedError{}, googleads.ErrNotConnected) {
		t.Error("NotConnectedError is not ErrNotConnected")
	}
}
