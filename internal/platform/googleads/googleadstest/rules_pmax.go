package googleadstest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	_ "image/gif" // image formats Google accepts
	_ "image/jpeg"
	_ "image/png"
	"math"
	"strings"
)

const maxImageBytes = 5120 * 1024

func (m *mutation) checkAsset(o *op, ent, old *entity, at path) []adsError {
	v := ent.v
	if old != nil {
		return nil // only the name can change
	}
	switch {
	case v["text_asset"] != nil:
		text := str(v, "text_asset.text")
		if strings.TrimSpace(text) == "" {
			return []adsError{newErr(at.child("text_asset").child("text"), "stringLengthError", "EMPTY", "The specified field should have a least one non-whitespace character in it.").withTrigger(text)}
		}
		v["type"] = "TEXT"
		ent.contentKey = "TEXT:" + text
	case v["image_asset"] != nil:
		img := v["image_asset"].(map[string]any)
		imgAt := at.child("image_asset")
		data, _ := img["data"].([]byte)
		if len(data) == 0 {
			return []adsError{required(imgAt, "data")}
		}
		if len(data) > maxImageBytes {
			return []adsError{newErr(imgAt.child("data"), "imageError", "FILE_TOO_LARGE", "Image file is too large.").withTrigger(int64(len(data)))}
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			return []adsError{newErr(imgAt.child("data"), "imageError", "INVALID_IMAGE", "The image is not valid.")}
		}
		if strings.TrimSpace(str(v, "name")) == "" {
			return []adsError{newErr(at.child("name"), "assetError", "NAME_REQUIRED_FOR_ASSET_TYPE", "Asset name is required for the asset type.")}
		}
		sum := sha256.Sum256(data)
		delete(img, "data") // mutate only: never answered
		img["file_size"] = int64(len(data))
		img["mime_type"] = map[string]string{"png": "IMAGE_PNG", "jpeg": "IMAGE_JPEG", "gif": "IMAGE_GIF"}[format]
		img["full_size"] = map[string]any{"width_pixels": int64(cfg.Width), "height_pixels": int64(cfg.Height)}
		v["type"] = "IMAGE"
		ent.contentKey = "IMAGE:" + hex.EncodeToString(sum[:])
	default:
		return []adsError{newErr(at, "assetError", "ASSET_DATA_IS_MISSING", "The `Asset.asset_data` oneof is empty.")}
	}
	if prev, dup := m.assetKeys[ent.contentKey]; dup {
		return []adsError{newErr(at, "assetError", "DUPLICATE_ASSET", "Assets are duplicated across operations (the same content as mutate_operations["+itoa(int64(prev))+"]).")}
	}
	m.assetKeys[ent.contentKey] = o.index
	for _, e := range m.st.list(ent.customer, ent.def) {
		if e.contentKey != ent.contentKey {
			continue
		}
		if name := str(v, "name"); name != "" && str(e.v, "name") != "" && name != str(e.v, "name") {
			return []adsError{newErr(at.child("name"), "assetError", "CANNOT_MODIFY_ASSET_NAME", "The asset has a name which is different from an existing duplicate that represents the same content.").withTrigger(name)}
		}
		ent.name = e.name // Google answers the stored asset
		ent.v = e.v
		return nil
	}
	return nil
}

func (m *mutation) checkAssetGroup(ent *entity, at path) []adsError {
	v := ent.v
	campaign, errs := m.ref(v, "campaign", resourceByMsg("Campaign"), at)
	if errs != nil {
		return errs
	}
	if campaign.removed() {
		return []adsError{newErr(at.child("campaign"), "assetGroupError", "CANNOT_MUTATE_ASSET_GROUP_FOR_REMOVED_CAMPAIGN", "Cannot mutate asset group for campaign with removed status.").withTrigger(campaign.name)}
	}
	if str(campaign.v, "advertising_channel_type") != "PERFORMANCE_MAX" {
		return []adsError{newErr(at.child("campaign"), "assetGroupError", "CANNOT_ADD_ASSET_GROUP_FOR_CAMPAIGN_TYPE", "Cannot add asset group for the campaign type.").withTrigger(campaign.name)}
	}
	name := strings.TrimSpace(str(v, "name"))
	if name == "" {
		errs = append(errs, required(at, "name"))
	}
	for _, e := range m.others(ent) {
		if name != "" && str(e.v, "campaign") == campaign.name && str(e.v, "name") == name {
			errs = append(errs, newErr(at.child("name"), "assetGroupError", "DUPLICATE_NAME", "Each asset group in a single campaign must have a unique name.").withTrigger(name))
		}
	}
	urls, _ := v["final_urls"].([]any)
	if len(urls) == 0 {
		errs = append(errs, newErr(at.child("final_urls"), "assetGroupError", "FINAL_URL_REQUIRED", "Final url field is required for asset group."))
	}
	errs = append(errs, checkURLs(urls, at.child("final_urls"))...)
	p1, p2 := str(v, "path1"), str(v, "path2")
	if p2 != "" && p1 == "" {
		errs = append(errs, newErr(at.child("path2"), "assetGroupError", "PATH1_REQUIRED_WHEN_PATH2_IS_SET", "Path1 required when path2 is set.").withTrigger(p2))
	}
	for _, p := range []struct{ name, val string }{{"path1", p1}, {"path2", p2}} {
		if displayWidth(p.val) > 15 {
			errs = append(errs, newErr(at.child(p.name), "stringLengthError", "TOO_LONG", "Too long.").withTrigger(p.val))
		}
	}
	return errs
}

// imageSpecs are the Performance Max image fields: aspect ratio and minimum
// size (developers.google.com/google-ads/api/performance-max/asset-requirements).
var imageSpecs = map[string]struct {
	ratio         float64
	minW, minH    int64
	readableRatio string
}{
	"MARKETING_IMAGE":          {1.91, 600, 314, "1.91:1"},
	"SQUARE_MARKETING_IMAGE":   {1, 300, 300, "1:1"},
	"PORTRAIT_MARKETING_IMAGE": {0.8, 480, 600, "4:5"},
	"LOGO":                     {1, 128, 128, "1:1"},
	"LANDSCAPE_LOGO":           {4, 512, 128, "4:1"},
}

var textLimits = map[string]int{"HEADLINE": 30, "LONG_HEADLINE": 90, "DESCRIPTION": 90, "BUSINESS_NAME": 25}

func (m *mutation) checkAssetGroupAsset(ent, old *entity, at path) []adsError {
	v := ent.v
	group, errs := m.ref(v, "asset_group", resourceByMsg("AssetGroup"), at)
	if errs != nil {
		return errs
	}
	asset, errs := m.ref(v, "asset", resourceByMsg("Asset"), at)
	if errs != nil {
		return errs
	}
	if group.removed() && old == nil {
		return removedParent(at.child("asset_group"), group.name)
	}
	if old != nil {
		return nil
	}
	ft := str(v, "field_type")
	if ft == "" {
		return []adsError{required(at, "field_type")}
	}
	ftAt := at.child("field_type")
	typ := str(asset.v, "type")
	_, isText := textLimits[ft]
	spec, isImage := imageSpecs[ft]
	switch {
	case !isText && !isImage:
		return []adsError{newErr(ftAt, "assetLinkError", "UNSUPPORTED_FIELD_TYPE", "The given field type is not supported to be added directly through asset links.").withTrigger(ft)}
	case (isText && typ != "TEXT") || (isImage && typ != "IMAGE"):
		return []adsError{newErr(ftAt, "assetLinkError", "FIELD_TYPE_INCOMPATIBLE_WITH_ASSET_TYPE", "The given asset's type and the specified field type are incompatible.").withTrigger(ft)}
	}
	campaign := m.st.byName[str(group.v, "campaign")]
	if brand, _ := campaign.v["brand_guidelines_enabled"].(bool); brand && (ft == "BUSINESS_NAME" || ft == "LOGO" || ft == "LANDSCAPE_LOGO") {
		return []adsError{newErr(ftAt, "assetLinkError", "BRAND_ASSETS_NOT_LINKED_AT_CAMPAIGN_LEVEL", "For Performance Max campaigns where brand_guidelines_enabled is true, business name and logo assets must be linked as campaign assets.").withTrigger(ft)}
	}
	if isText {
		text := str(asset.v, "text_asset.text")
		if displayWidth(text) > textLimits[ft] {
			return []adsError{newErr(at.child("asset"), "stringLengthError", "TOO_LONG", "Too long: a "+ft+" holds at most "+itoa(int64(textLimits[ft]))+" characters.").withTrigger(text)}
		}
	}
	if isImage {
		w, _ := num(asset.v, "image_asset.full_size.width_pixels")
		h, _ := num(asset.v, "image_asset.full_size.height_pixels")
		if h == 0 || math.Abs(float64(w)/float64(h)-spec.ratio)/spec.ratio > 0.01 {
			return []adsError{newErr(at.child("asset"), "imageError", "ASPECT_RATIO_NOT_ALLOWED", "The aspect ratio of the image is not allowed: "+ft+" wants "+spec.readableRatio+".").withTrigger(itoa(w) + "x" + itoa(h))}
		}
		if w < spec.minW || h < spec.minH {
			return []adsError{newErr(at.child("asset"), "imageError", "IMAGE_TOO_SMALL", "Image is too small: "+ft+" wants at least "+itoa(spec.minW)+"x"+itoa(spec.minH)+".").withTrigger(itoa(w) + "x" + itoa(h))}
		}
	}
	for _, e := range m.others(ent) {
		if str(e.v, "asset_group") == group.name && str(e.v, "asset") == asset.name && str(e.v, "field_type") == ft {
			return []adsError{newErr(at, "assetGroupAssetError", "DUPLICATE_RESOURCE", "Cannot add duplicated asset group asset.")}
		}
	}
	return nil
}

// finalChecks are the rules about the request as a whole: the asset groups
// it creates must end it with their minimum assets.
func (m *mutation) finalChecks() []adsError {
	var errs []adsError
	links := m.st.list(m.c.customerID, resourceByMsg("AssetGroupAsset"))
	for name, o := range m.newAssetGroups {
		group := m.st.byName[name]
		if group == nil || m.failedOps[o.index] {
			continue
		}
		campaign := m.st.byName[str(group.v, "campaign")]
		brand, _ := campaign.v["brand_guidelines_enabled"].(bool)
		count := map[string]int{}
		shortDescription := false
		for _, l := range links {
			if l.removed() || str(l.v, "asset_group") != name {
				continue
			}
			ft := str(l.v, "field_type")
			count[ft]++
			if ft == "DESCRIPTION" {
				if a := m.st.byName[str(l.v, "asset")]; a != nil && displayWidth(str(a.v, "text_asset.text")) <= 60 {
					shortDescription = true
				}
			}
		}
		need := []struct {
			field, code string
			n           int
		}{
			{"HEADLINE", "NOT_ENOUGH_HEADLINE_ASSET", 3},
			{"LONG_HEADLINE", "NOT_ENOUGH_LONG_HEADLINE_ASSET", 1},
			{"DESCRIPTION", "NOT_ENOUGH_DESCRIPTION_ASSET", 2},
			{"BUSINESS_NAME", "NOT_ENOUGH_BUSINESS_NAME_ASSET", 1},
			{"MARKETING_IMAGE", "NOT_ENOUGH_MARKETING_IMAGE_ASSET", 1},
			{"SQUARE_MARKETING_IMAGE", "NOT_ENOUGH_SQUARE_MARKETING_IMAGE_ASSET", 1},
			{"LOGO", "NOT_ENOUGH_LOGO_ASSET", 1},
		}
		for _, n := range need {
			if brand && (n.field == "BUSINESS_NAME" || n.field == "LOGO") {
				continue
			}
			if count[n.field] < n.n {
				errs = append(errs, newErr(o.at, "assetGroupError", n.code, "Not enough "+strings.ToLower(strings.ReplaceAll(n.field, "_", " "))+" assets for a valid asset group: "+itoa(int64(count[n.field]))+" of "+itoa(int64(n.n))+"."))
			}
		}
		if count["DESCRIPTION"] >= 2 && !shortDescription {
			errs = append(errs, newErr(o.at, "assetGroupError", "SHORT_DESCRIPTION_REQUIRED", "At least one short description asset (60 characters or fewer) is required for a valid asset group."))
		}
	}
	return errs
}
