package dial

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/mockloop/mockloop/server/speechdata"
)

// clip is a real recording from the shared speech set; only its format
// matters here.
var clip = func() string {
	d, err := speechdata.Dir()
	if err != nil {
		return "mfa_youknow.wav" // the tests that read it fail with the path
	}
	return filepath.Join(d, "mfa_youknow.wav")
}()

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "a base URL without a scheme is refused", opts: Options{BaseURL: "127.0.0.1:8080", WAV: clip}, wantErr: "base URL"},
		{name: "a websocket URL is refused", opts: Options{BaseURL: "ws://127.0.0.1:8080", WAV: clip}, wantErr: "base URL"},
		{name: "a missing WAV is refused", opts: Options{BaseURL: "http://127.0.0.1:8080"}, wantErr: "no WAV"},
		{name: "an unknown kind is refused", opts: Options{BaseURL: "http://127.0.0.1:8080", WAV: clip, Kind: "pairing"}, wantErr: "unknown round kind"},
		{name: "zero values get the documented defaults", opts: Options{BaseURL: "http://127.0.0.1:8080/", WAV: clip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			err := o.defaults()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.BaseURL != "http://127.0.0.1:8080" || o.Kind != "behavioral" || o.Minutes != 30 ||
				o.Speed != 1 || o.Answers != 1 || o.Timeout != defaultTimeout || o.Logger == nil {
				t.Errorf("defaults not applied: %+v", o)
			}
		})
	}
}

func TestCreateRound(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantID  string
		wantErr string
	}{
		{name: "the round in the body gives its id", status: 201, body: `{"id":"r1","kind":"behavioral"}`, wantID: "r1"},
		{name: "a wrapped round gives its id", status: 201, body: `{"round":{"id":"r2"}}`, wantID: "r2"},
		{name: "an error status carries the server's message", status: 400, body: `{"error":{"code":"bad_kind","message":"no such kind"}}`, wantErr: "no such kind"},
		{name: "a body without an id is an error", status: 201, body: `{}`, wantErr: "no id"},
		{name: "a body that is not JSON is an error", status: 201, body: `<html>`, wantErr: "decode response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got map[string]any
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost || r.URL.Path != "/api/rounds" {
					http.Error(w, "wrong route", http.StatusNotFound)
					return
				}
				_ = json.NewDecoder(r.Body).Decode(&got)
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			id, err := createRound(ctx, Options{BaseURL: srv.URL, Kind: "coding", Minutes: 45})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != tt.wantID {
				t.Errorf("id = %q, want %q", id, tt.wantID)
			}
			if got["kind"] != "coding" || got["minutes"] != float64(45) {
				t.Errorf("request body = %v, want kind coding and minutes 45", got)
			}
		})
	}
}

func TestRunReportsARefusedWebsocket(t *testing.T) {
	// A server that creates rounds but refuses the websocket, as a server
	// with a stricter Origin check would.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/rounds" {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"id":"r9"}`))
			return
		}
		http.Error(w, "origin not allowed", http.StatusForbidden)
	}))
	defer srv.Close()
	res, err := Run(context.Background(), Options{BaseURL: srv.URL, WAV: clip, Timeout: 10 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("error = %v, want the 403 from the websocket", err)
	}
	if res.RoundID != "r9" {
		t.Errorf("RoundID = %q, want the created round r9 in the partial result", res.RoundID)
	}
}

func TestAskedBitrate(t *testing.T) {
	opus := func(fmtp string) webrtc.RTPCodecParameters {
		return webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, SDPFmtpLine: fmtp}}
	}
	pcmu := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypePCMU, SDPFmtpLine: "maxaveragebitrate=99000"}}
	tests := []struct {
		name   string
		codecs []webrtc.RTPCodecParameters
		want   int
	}{
		{"the answer's rate", []webrtc.RTPCodecParameters{opus("minptime=10;useinbandfec=1;maxaveragebitrate=64000")}, 64000},
		{"no rate asked is WebRTC's default", []webrtc.RTPCodecParameters{opus("minptime=10;useinbandfec=1")}, opusBitrate},
		{"no codecs yet", nil, opusBitrate},
		{"another codec's parameters do not count", []webrtc.RTPCodecParameters{pcmu, opus("")}, opusBitrate},
		{"kept within what Opus can do", []webrtc.RTPCodecParameters{opus("MaxAverageBitrate=1000000")}, 510000},
		{"a rate that is not a number is ignored", []webrtc.RTPCodecParameters{opus("maxaveragebitrate=fast")}, opusBitrate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := askedBitrate(tt.codecs); got != tt.want {
				t.Fatalf("askedBitrate = %d, want %d", got, tt.want)
			}
		})
	}
}
