package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// env reads a setting; NAME_FILE, when set, names a file that holds it (for
// secrets mounted as files). A value given both ways is an error.
func env(name, def string) (string, error) {
	v, direct := os.LookupEnv(name)
	if path, ok := os.LookupEnv(name + "_FILE"); ok && path != "" {
		if direct && v != "" {
			return "", fmt.Errorf("%s and %s_FILE are both set; set one", name, name)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if !direct || v == "" {
		return def, nil
	}
	return v, nil
}

// Config is the process configuration, from IMAPHUB_* variables.
type Config struct {
	Addr        string // IMAPHUB_ADDR, default 127.0.0.1:8080
	DataDir     string // IMAPHUB_DATA_DIR, default ./data
	DatabaseURL string // IMAPHUB_DATABASE_URL, empty = SQLite in the data dir
	LogLevel    slog.Level
	LogFormat   string // text or json
}

func loadConfig() (Config, error) {
	var c Config
	var err error
	get := func(name, def string) string {
		if err != nil {
			return ""
		}
		var v string
		v, err = env(name, def)
		return v
	}
	c.Addr = get("IMAPHUB_ADDR", "127.0.0.1:8080")
	c.DataDir = get("IMAPHUB_DATA_DIR", "data")
	c.DatabaseURL = get("IMAPHUB_DATABASE_URL", "")
	level := get("IMAPHUB_LOG_LEVEL", "info")
	c.LogFormat = get("IMAPHUB_LOG_FORMAT", "text")
	if err != nil {
		return c, err
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, fmt.Errorf("IMAPHUB_LOG_LEVEL=%q: want debug, info, warn or error", level)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("IMAPHUB_LOG_FORMAT=%q: want text or json", c.LogFormat)
	}
	return c, nil
}

func (c Config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
