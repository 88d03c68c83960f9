package console

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/portdesk/portdesk/porting"
	"github.com/portdesk/portdesk/workflow"
)

// The bulk association page: many numbers of an instance given their
// contact flows in one go, as the API's POST
// /v1/instances/{id}/associations does, for orders too big for the order
// page's one select per number.

func init() {
	pageNames = append(pageNames, "associations")
}

// Bounds of the bulk association form.
const (
	// maxAssociationForm bounds the posted form: MaxAssociations lines of
	// a number and a flow ID with room to spare.
	maxAssociationForm = 1 << 20
	// maxUnassignedShown bounds the numbers without a flow the page lists.
	maxUnassignedShown = 100
)

// associationsData is the bulk association page of an instance: its
// flows with how many numbers each has, the numbers still without one,
// and the form.
type associationsData struct {
	Instance *porting.Instance
	Flows    []flowCount
	Total    int
	// Unassigned are the first maxUnassignedShown numbers without a flow;
	// UnassignedCount counts them all.
	Unassigned      []string
	UnassignedCount int
	// The form: Lines as typed, Flow for lines that name none, and
	// AllUnassigned to give Flow to every number without one.
	Lines         string
	Flow          string
	AllUnassigned bool
	// Saved counts the numbers the last post changed (from ?saved=).
	Saved int
}

// flowCount is a contact flow with how many of the instance's numbers go
// to it.
type flowCount struct {
	*porting.ContactFlow
	Numbers int
}

// FlowOptions are the choices of the form's flow select: the flows, then
// none (which takes a flow away).
func (d *associationsData) FlowOptions(noneLabel string) []option {
	out := make([]option, 0, len(d.Flows)+1)
	for _, f := range d.Flows {
		out = append(out, option{Value: f.ID, Label: f.Name + " (" + f.ID + ")", Selected: f.ID == d.Flow})
	}
	return append(out, option{Value: "", Label: noneLabel, Selected: d.Flow == ""})
}

// handleAssociations shows an instance's bulk association page; another
// account's instance is not found.
func (c *console) handleAssociations(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	d := &associationsData{}
	if n, err := strconv.Atoi(r.URL.Query().Get("saved")); err == nil && n > 0 && n <= workflow.MaxAssociations {
		d.Saved = n
	}
	return c.showAssociations(w, r, p, r.PathValue("id"), http.StatusOK, d, nil)
}

// showAssociations loads the instance's flows and numbers into d and
// renders the page, with cause (if any) next to the form's fields.
func (c *console) showAssociations(w http.ResponseWriter, r *http.Request, p porting.Principal, id string, status int, d *associationsData, cause error) error {
	if len(id) > 100 {
		return porting.Errorf(porting.ENOTFOUND, "instance not found")
	}
	ctx := r.Context()
	var err error
	if d.Instance, err = c.svc.Instances.GetInstance(ctx, p, id); err != nil {
		return err
	}
	flows, err := c.svc.Instances.ContactFlows(ctx, p, id)
	if err != nil {
		return err
	}
	inv, err := c.svc.Instances.InstancePhoneNumbers(ctx, p, id)
	if err != nil {
		return err
	}
	count := map[string]int{}
	for _, n := range inv {
		if n.ContactFlowID == "" {
			d.UnassignedCount++
			if len(d.Unassigned) < maxUnassignedShown {
				d.Unassigned = append(d.Unassigned, n.PhoneNumber)
			}
			continue
		}
		count[n.ContactFlowID]++
	}
	d.Total = len(inv)
	for _, f := range flows {
		d.Flows = append(d.Flows, flowCount{ContactFlow: f, Numbers: count[f.ID]})
	}
	if d.Flow == "" && cause == nil && len(flows) > 0 {
		d.Flow = flows[0].ID
	}
	pg := c.newPage(r, p, "assoc.title")
	if cause != nil {
		pg.setError("bulk", cause)
	}
	c.render(w, r, status, "associations", pg, d)
	return nil
}

// handleAssociationsPost reads the form into associations and gives them
// through PortDay.AssociateNumbers, all or none; an entry it refuses is
// named by its line.
func (c *console) handleAssociationsPost(w http.ResponseWriter, r *http.Request, p porting.Principal) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxAssociationForm)
	if err := r.ParseForm(); err != nil {
		return porting.Errorf(porting.EINVALID, "the form could not be read; at most %d numbers go in one save", workflow.MaxAssociations)
	}
	id := r.PathValue("id")
	d := &associationsData{Lines: r.PostForm.Get("lines"), Flow: bound(r.PostForm.Get("flow"), 100),
		AllUnassigned: r.PostForm.Get("all_unassigned") == "on"}
	as, lines, err := parseAssociationLines(d.Lines, d.Flow)
	if err == nil && d.AllUnassigned {
		var inv []*porting.InstancePhoneNumber
		if inv, err = c.svc.Instances.InstancePhoneNumbers(r.Context(), p, id); err != nil {
			return err
		}
		listed := map[string]bool{}
		for _, a := range as {
			listed[a.PhoneNumber] = true
		}
		// One save takes workflow.MaxAssociations numbers: the first of
		// those without a flow go now, and the page says how many are left
		// for the next save.
		for _, n := range inv {
			if n.ContactFlowID == "" && !listed[n.PhoneNumber] && len(as) < workflow.MaxAssociations {
				as = append(as, workflow.Association{PhoneNumber: n.PhoneNumber, ContactFlowID: d.Flow})
				lines = append(lines, 0)
			}
		}
	}
	if err == nil && len(as) == 0 {
		err = porting.FieldErrorf("lines", "list the numbers to change, or tick “every number without a flow”")
	}
	if err == nil {
		_, err = c.svc.PortDay.AssociateNumbers(r.Context(), p, id, as)
		err = lineError(err, lines)
	}
	if err != nil {
		if s := formStatus(err); s == http.StatusInternalServerError || s == http.StatusNotFound || s == http.StatusForbidden {
			return err
		}
		return c.showAssociations(w, r, p, id, formStatus(err), d, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/instances/%s/associations?saved=%d", id, len(as)), http.StatusSeeOther)
	return nil
}

// parseAssociationLines reads the typed lines: a number, then optionally a
// comma (or semicolon, or tab) and a contact flow ID; a line without one
// takes flow. Separators inside the number (spaces, dashes, dots,
// parentheses) are dropped. It returns the associations and the line each
// came from; more than workflow.MaxAssociations lines is refused before
// the rest is read.
func parseAssociationLines(text, flow string) ([]workflow.Association, []int, error) {
	var as []workflow.Association
	var lines []int
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(as) == workflow.MaxAssociations {
			return nil, nil, porting.FieldErrorf("lines", "at most %d numbers go in one save; split the list", workflow.MaxAssociations)
		}
		number, flowID, named := strings.Cut(strings.NewReplacer(";", ",", "\t", ",").Replace(line), ",")
		number = strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -.()\u00a0", r) {
				return -1
			}
			return r
		}, number)
		if len(number) > 64 {
			return nil, nil, porting.FieldErrorf("lines", "line %d: %q is not a phone number", i+1, bound(number, 64))
		}
		a := workflow.Association{PhoneNumber: number, ContactFlowID: flow}
		if named {
			a.ContactFlowID = bound(flowID, 100)
		}
		as = append(as, a)
		lines = append(lines, i+1)
	}
	return as, lines, nil
}

// lineError points an error about association i at the line it came from
// (lines[i]; 0 for a number added by “every number without a flow”).
func lineError(err error, lines []int) error {
	var pe *porting.Error
	if !errors.As(err, &pe) {
		return err
	}
	m := associationIndex.FindStringSubmatch(pe.Field)
	if m == nil {
		if pe.Field == "associations" {
			return &porting.Error{Code: pe.Code, Field: "lines", Message: pe.Message, Err: err}
		}
		return err
	}
	i, _ := strconv.Atoi(m[1])
	msg := pe.Message
	if i < len(lines) && lines[i] > 0 {
		msg = fmt.Sprintf("line %d: %s", lines[i], pe.Message)
	}
	return &porting.Error{Code: pe.Code, Field: "lines", Message: msg, Err: err}
}
