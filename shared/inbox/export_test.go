package inbox

import "context"

// SeqOf returns the sequence number of a command, for the tests of the sequence order.
func (in *Inbox) SeqOf(ctx context.Context, commandID string) (int64, error) {
	var idx commandIndex
	_, found, err := in.load(ctx, indexKey(commandID), &idx)
	if err == nil && !found {
		err = ErrUnknownCommand
	}
	return idx.Seq, err
}
