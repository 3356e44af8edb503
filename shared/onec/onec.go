// Package onec is the contract between 1C:УНФ and the bridge: the messages 1C sends and their
// validation. It knows nothing of storage or HTTP. Problems are reported by the JSON path of the
// field, with Russian messages that the 1C user reads.
package onec

import "fmt"

// FieldProblem is one problem of a message: the JSON path of the field and a Russian message.
type FieldProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// MaxProblems is the most problems one validation reports; when there are more, a last problem
// with an empty field says how many were left out.
const MaxProblems = 50

// Russian messages shared by several checks.
const (
	msgRequired = "Поле обязательно."
	msgTooLong  = "Значение длиннее %d символов."
)

// problems collects the problems of one validation, at most MaxProblems of them.
type problems struct {
	list    []FieldProblem
	dropped int
}

func (p *problems) add(field, format string, args ...any) {
	if len(p.list) >= MaxProblems {
		p.dropped++
		return
	}
	p.list = append(p.list, FieldProblem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// result returns the problems found, nil when there are none.
func (p *problems) result() []FieldProblem {
	if p.dropped > 0 {
		return append(p.list, FieldProblem{Message: fmt.Sprintf("Показаны первые %d ошибок, ещё не показано: %d.", MaxProblems, p.dropped)})
	}
	return p.list
}
