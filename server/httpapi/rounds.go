package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/export"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/round"
)

func (a *API) config(w http.ResponseWriter, r *http.Request) error {
	engines := a.Engines
	for kind, e := range map[string]*Engine{"llm": &engines.LLM, "stt": &engines.STT, "tts": &engines.TTS} {
		e.Status = "unchecked"
		if a.Health != nil {
			e.Status, e.Reason, e.Fix = a.Health(kind)
		}
	}
	cfg := map[string]any{
		"version": a.Version,
		"engines": engines,
		"voice":   a.Voice,
		// voices and default_voice: the interviewer voices to pick from.
		"voices":        a.voiceList(),
		"default_voice": a.DefaultVoice,
		"kinds":         []mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindSystemDesign, mockloop.KindCoding, mockloop.KindBarRaiser, mockloop.KindLoop},
		// The page refuses an answer over these before sending it: a
		// message over the size limit would close the websocket.
		"limits": map[string]int{"answer_words": mockloop.MaxAnswerWords, "message_bytes": mockloop.MaxMessageBytes},
	}
	hint := STTHint{}
	if a.STTHint != nil {
		hint = a.STTHint()
	}
	cfg["stt_hint"] = hint
	writeJSON(w, http.StatusOK, cfg)
	return nil
}

type createRequest struct {
	Kind    mockloop.RoundKind `json:"kind"`
	Minutes int                `json:"minutes"`
	Seed    int64              `json:"seed"`
	// Nudges turns live coaching on (the default); false is a realistic
	// round with feedback only afterwards.
	Nudges *bool `json:"nudges"`
	// Focus "gaps" draws behavioral questions from the Leadership
	// Principles that still lack a strong story.
	Focus string `json:"focus"`
	// Voice is an id from GET /api/config "voices"; empty is the default.
	Voice string `json:"voice"`
}

// Round lengths a user may pick; a loop is longer than one interview.
const (
	minMinutes     = 5
	maxMinutes     = 300
	defaultMinutes = 30
)

func (a *API) createRound(w http.ResponseWriter, r *http.Request) error {
	var req createRequest
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	if !req.Kind.Valid() {
		return badRequest("bad_kind", fmt.Sprintf("unknown round kind %q", req.Kind))
	}
	if req.Minutes == 0 {
		req.Minutes = defaultMinutes
	}
	if req.Minutes < minMinutes || req.Minutes > maxMinutes {
		return badRequest("bad_minutes", fmt.Sprintf("minutes must be between %d and %d", minMinutes, maxMinutes))
	}
	now := a.Now()
	if req.Seed == 0 {
		req.Seed = now.UnixNano()
	}
	var focus []string
	switch req.Focus {
	case "":
	case "gaps":
		if req.Kind != mockloop.KindBehavioral && req.Kind != mockloop.KindBarRaiser {
			return badRequest("bad_focus", "practising gaps works with behavioral and bar_raiser rounds")
		}
		gaps, err := GapFocus(r.Context(), a.Store, a.Deps.Bank)
		if err != nil {
			return fmt.Errorf("find gaps: %w", err)
		}
		focus = gaps
	default:
		return badRequest("bad_focus", fmt.Sprintf("unknown focus %q (want \"gaps\")", req.Focus))
	}
	engines := map[string]string{"stt": a.Engines.STT.Name, "tts": a.Engines.TTS.Name, "llm": a.Engines.LLM.Name}
	if len(a.Voices) > 0 {
		v, ok := a.findVoice(req.Voice)
		if !ok {
			return badRequest("bad_voice", fmt.Sprintf("unknown voice %q (GET /api/config lists the voices)", req.Voice))
		}
		engines["voice"] = v.ID
		if v.Engine != "" {
			engines["tts"] = v.Engine
		}
	}
	nudges := req.Nudges == nil || *req.Nudges
	state, err := live.NewRoundState(a.Deps, round.Config{Kind: req.Kind, Minutes: req.Minutes, Seed: req.Seed, Focus: focus}, nudges)
	if err != nil {
		return fmt.Errorf("plan round: %w", err)
	}
	rd := &mockloop.Round{
		ID:        a.newID(),
		Kind:      req.Kind,
		Status:    mockloop.StatusActive,
		Seed:      req.Seed,
		Minutes:   req.Minutes,
		CreatedAt: now,
		UpdatedAt: now,
		State:     state,
		Engines:   engines,
	}
	if err := a.Store.CreateRound(r.Context(), rd); err != nil {
		return fmt.Errorf("create round: %w", err)
	}
	a.Logger.Info("round created", "round", rd.ID, "kind", rd.Kind, "minutes", rd.Minutes)
	// The round as stored, plus what it holds, so the page can say "4
	// questions" without planning again.
	resp := struct {
		*mockloop.Round
		Plan *round.PlanPreview `json:"plan,omitempty"`
	}{Round: rd}
	if p, err := round.Preview(a.Deps.Bank, round.Config{Kind: req.Kind, Minutes: req.Minutes, Seed: req.Seed, Focus: focus}); err == nil {
		resp.Plan = &p
	}
	writeJSON(w, http.StatusCreated, resp)
	return nil
}

// planPreview answers GET /api/plan?kind=K&minutes=M: how many questions
// a round of that kind and length holds, and how many follow-ups each main
// answer gets, for the home page to show before the round starts.
func (a *API) planPreview(w http.ResponseWriter, r *http.Request) error {
	kind := mockloop.RoundKind(r.URL.Query().Get("kind"))
	if !kind.Valid() {
		return badRequest("bad_kind", fmt.Sprintf("unknown round kind %q", kind))
	}
	minutes := defaultMinutes
	if s := r.URL.Query().Get("minutes"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < minMinutes || n > maxMinutes {
			return badRequest("bad_minutes", fmt.Sprintf("minutes must be between %d and %d", minMinutes, maxMinutes))
		}
		minutes = n
	}
	p, err := round.Preview(a.Deps.Bank, round.Config{Kind: kind, Minutes: minutes})
	if err != nil {
		a.Logger.Warn("plan preview", "kind", kind, "minutes", minutes, "err", err)
		return badRequest("bad_plan", "A round of that kind and length cannot be planned; try a shorter one.")
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// voiceList is never null in JSON, so the page can always iterate it.
func (a *API) voiceList() []Voice {
	if a.Voices == nil {
		return []Voice{}
	}
	return a.Voices
}

// findVoice returns the voice with id, or the default for "".
func (a *API) findVoice(id string) (Voice, bool) {
	if id == "" {
		id = a.DefaultVoice
	}
	for _, v := range a.Voices {
		if v.ID == id {
			return v, true
		}
	}
	return Voice{}, false
}

func (a *API) newID() string {
	if a.NewID != nil {
		return a.NewID()
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// RoundSummary is a round with the figures the history page shows.
type RoundSummary struct {
	mockloop.Round
	Summary *mockloop.RoundSummary `json:"summary,omitempty"`
}

func (a *API) listRounds(w http.ResponseWriter, r *http.Request) error {
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return badRequest("bad_limit", "limit must be 1 to 1000")
		}
		limit = n
	}
	rounds, err := a.Store.Rounds(r.Context(), limit)
	if err != nil {
		return fmt.Errorf("list rounds: %w", err)
	}
	sums := map[string]*mockloop.RoundSummary{}
	if a.Summaries != nil {
		list, err := a.Summaries.Summaries(r.Context(), limit)
		if err != nil {
			return fmt.Errorf("summarize rounds: %w", err)
		}
		for i := range list {
			sums[list[i].ID] = &list[i]
		}
	}
	out := make([]RoundSummary, 0, len(rounds))
	for _, rd := range rounds {
		out = append(out, RoundSummary{Round: rd, Summary: sums[rd.ID]})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) load(r *http.Request) (*mockloop.Round, []mockloop.Turn, error) {
	id := r.PathValue("id")
	rd, err := a.Store.Round(r.Context(), id)
	if errors.Is(err, mockloop.ErrNotFound) {
		return nil, nil, notFound("round")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load round: %w", err)
	}
	turns, err := a.Store.Turns(r.Context(), id)
	if err != nil {
		return nil, nil, fmt.Errorf("load turns: %w", err)
	}
	return rd, turns, nil
}

func (a *API) getRound(w http.ResponseWriter, r *http.Request) error {
	rd, turns, err := a.load(r)
	if err != nil {
		return err
	}
	utts, err := a.Store.Utterances(r.Context(), rd.ID)
	if err != nil {
		return fmt.Errorf("load utterances: %w", err)
	}
	// The questions group follow-ups under their question with its phase
	// checklist; a round whose state cannot be read still shows its turns.
	questions, turns, err := live.Review(a.Deps.Bank, rd, turns)
	if err != nil {
		a.Logger.Warn("review questions", "round", rd.ID, "err", err)
	}
	if questions == nil {
		questions = []round.QuestionView{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": rd, "turns": turns, "utterances": utts, "questions": questions})
	return nil
}

func (a *API) deleteRound(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := a.Store.Round(r.Context(), id); errors.Is(err, mockloop.ErrNotFound) {
		return notFound("round")
	}
	a.Hub.Stop(id)
	if err := a.Store.DeleteRound(r.Context(), id); err != nil {
		return fmt.Errorf("delete round: %w", err)
	}
	if a.AudioDir != "" {
		if err := os.RemoveAll(filepath.Join(a.AudioDir, filepath.Base(id))); err != nil {
			return fmt.Errorf("delete audio: %w", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) deleteAll(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("confirm") != "all" {
		return badRequest("confirm", "add ?confirm=all to delete every round")
	}
	a.Hub.StopAll()
	if err := a.Store.DeleteAll(r.Context()); err != nil {
		return fmt.Errorf("delete all: %w", err)
	}
	if a.AudioDir != "" {
		if err := os.RemoveAll(a.AudioDir); err != nil {
			return fmt.Errorf("delete audio: %w", err)
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) exportMarkdown(w http.ResponseWriter, r *http.Request) error {
	rd, turns, err := a.load(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "mockloop-"+rd.ID+".md"))
	return export.Markdown(w, *rd, turns)
}

func (a *API) exportJSON(w http.ResponseWriter, r *http.Request) error {
	rd, turns, err := a.load(r)
	if err != nil {
		return err
	}
	utts, err := a.Store.Utterances(r.Context(), rd.ID)
	if err != nil {
		return fmt.Errorf("load utterances: %w", err)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "mockloop-"+rd.ID+".json"))
	return export.JSON(w, *rd, turns, utts)
}

// audio serves the kept recording of one answer. The file name comes from
// the stored turn, never from the request, so no path can be smuggled in.
func (a *API) audio(w http.ResponseWriter, r *http.Request) error {
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 0 {
		return badRequest("bad_seq", "seq must be a turn number")
	}
	rd, turns, err := a.load(r)
	if err != nil {
		return err
	}
	for _, t := range turns {
		if t.Seq != seq || t.AudioPath == "" || a.AudioDir == "" {
			continue
		}
		p := filepath.Join(a.AudioDir, filepath.Base(rd.ID), filepath.Base(t.AudioPath))
		f, err := os.Open(p)
		if err != nil {
			return notFound("audio")
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("stat audio: %w", err)
		}
		w.Header().Set("Content-Type", audioType(t.AudioPath))
		http.ServeContent(w, r, t.AudioPath, st.ModTime(), f)
		return nil
	}
	return notFound("audio")
}

// audioType names the kept file's format by its extension: answers are kept
// as Ogg Opus now, and rounds recorded before that keep their WAV.
func audioType(name string) string {
	switch filepath.Ext(name) {
	case ".opus":
		return "audio/ogg; codecs=opus"
	case ".wav":
		return "audio/wav"
	}
	return "application/octet-stream"
}
