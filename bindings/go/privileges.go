package usersig

import (
	"strconv"
	"strings"
)

// Privileges are the permission bits of a TRTC PrivateMapKey (FORMAT.md §6). Combine them with |.
type Privileges uint32

// The eight privilege bits.
const (
	PrivCreateRoom    = Privileges(privCreateRoom)    // create a room
	PrivEnterRoom     = Privileges(privEnterRoom)     // enter a room
	PrivSendAudio     = Privileges(privSendAudio)     // send audio
	PrivRecvAudio     = Privileges(privRecvAudio)     // receive audio
	PrivSendVideo     = Privileges(privSendVideo)     // send video
	PrivRecvVideo     = Privileges(privRecvVideo)     // receive video
	PrivSendSubStream = Privileges(privSendSubStream) // send the sub-stream (share the screen)
	PrivRecvSubStream = Privileges(privRecvSubStream) // receive the sub-stream
	PrivAll           = Privileges(privAll)           // all eight
)

var privilegeNames = []struct {
	bit  Privileges
	name string
}{
	{PrivCreateRoom, "create_room"},
	{PrivEnterRoom, "enter_room"},
	{PrivSendAudio, "send_audio"},
	{PrivRecvAudio, "recv_audio"},
	{PrivSendVideo, "send_video"},
	{PrivRecvVideo, "recv_video"},
	{PrivSendSubStream, "send_sub_stream"},
	{PrivRecvSubStream, "recv_sub_stream"},
}

// Has reports whether p grants every bit of q.
func (p Privileges) Has(q Privileges) bool { return p&q == q }

// String names the bits, as the CLI does: "enter_room|recv_audio"; "none" for 0.
func (p Privileges) String() string {
	if p == 0 {
		return "none"
	}
	var names []string
	for _, n := range privilegeNames {
		if p&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	if rest := p &^ PrivAll; rest != 0 {
		names = append(names, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(names, "|")
}
