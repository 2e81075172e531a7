"""Word lists for the names finder: what a capitalised word can be besides a patient's name.

Kept apart from the logic in ``people.py`` so they can grow without touching it.
All entries are lower case; matching is on the lower-cased token without "'s".
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


FUNCTION = _words("""
i i'm i've im i'd i'll he she they we you it its it's this that these those there here then
than the a an and but or so if when while after before since until because though although also
still yet just even only now later next last first finally afterwards meanwhile today tonight
tomorrow yesterday morning evening night nobody everyone someone anyone everybody somebody
nothing all both each every some many most no not none our my his her their your who whom whose
what which why how where was were is are be been had has have did do does got will would could
should can may might must in on at of for from to with without by as into about over under
around through during again once maybe perhaps well yes oh ok okay sure thanks please sorry hi
hello dear god lord jesus christ allah amen thank let let's don't didn't can't won't isn't
wasn't couldn't wouldn't shouldn't haven't hasn't hadn't aren't weren't mine ours one two three
four five six seven eight nine ten twenty hundred both either neither another such same other
whatever whenever however wherever like unlike per via vs versus plus minus
""")

CALENDAR = _words("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june
july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
christmas easter thanksgiving halloween hanukkah ramadan eid diwali passover kwanzaa
""")

# Clinicians, staff and the resident's own people: a name right after one is not a patient's.
CLINICIAN_CUES = _words("""
dr doctor doc docs prof professor nurse nurses rn np pa pt ot slp rt cna ma sw emt medic
paramedic attending attendings resident residents intern interns senior seniors junior fellow
fellows chief chiefs colleague colleagues co-resident co-residents coresident co-intern
co-interns cointern co-fellow pgy-1 pgy-2 pgy-3 pgy-4 pgy1 pgy2 pgy3 pharmacist pharmacists
tech techs technician charge chaplain father pastor rabbi imam reverend therapist therapists
physio preceptor mentor mentors pd apd director scribe surgeon surgeons consultant consultants
hospitalist hospitalists anesthesiologist anaesthetist midwife doula coordinator manager
interpreter secretary clerk porter educator dietitian nutritionist psychologist psychiatrist
neurologist cardiologist oncologist intensivist radiologist pathologist counselor counsellor
student students med-student sub-i sub-intern coach boss supervisor teammate teammates
classmate classmates roommate friend friends buddy partner boyfriend girlfriend fiance fiancee
fiancé fiancée spouse worker workers officer officers administrator registrar
""")

# Family words: the resident's own ("my wife Anna") are not identifiers; a patient's
# ("her dad, Walter") are.
FAMILY = _words("""
wife husband daughter son mother father mom mum dad mama papa sister brother sibling
grandmother grandfather grandma grandpa granddaughter grandson nana aunt uncle cousin niece
nephew kid kids child children baby twins twin family parents parent stepmother stepfather
stepdad stepmom widow widower caregiver neighbour neighbor
""")
OWN = _words("my our")
# Family words used as a form of address on the ward ("grandma rosa", "Papa Joe"); with no
# "my" or "our" in front they are what staff call a patient.
ADDRESS_FORMS = _words("grandma grandpa granny nana papa mama abuela abuelo auntie")
OTHERS = _words("his her their the patient's pt's patients'")

# After "X's": these make X a patient (or a patient's family), not an eponym.
PATIENT_POSSESSIONS = FAMILY | _words("""
room bed chart mrn labs lab scan scans biopsy results diagnosis prognosis funeral obituary
nurse surgery procedure code cancer tumor tumour pain meds medications case story face hand
hands voice eyes house home dog cat wishes goals bedside discharge admission
""")

# After "X's": what a colleague has at work ("Jake's pager went off") or an author made
# ("Tolstoy's descriptions"); not a patient's.
WORK_POSSESSIONS = _words("""
pager pagers shift shifts note notes sign-out signout handoff presentation presentations call
schedule lecture lectures feedback advice email emails text texts coffee badge car locker
desk team service list census orders order teaching talk attending senior intern patients
description descriptions writing writings novel novels book books poem poems poetry essay essays
prose quote quotes words music song songs album albums lyrics painting paintings art films
movie movies show podcast theory theories work works
""")

# After a name (with or without "'s"): the name is an eponym or a thing, not a person here.
EPONYM_NOUNS = _words("""
disease diseases syndrome syndromes sign signs scale score scores criteria triad palsy
phenomenon reflex test tests maneuver manoeuvre law rule rules lymphoma sarcoma tumor tumour
ulcer fracture classification equation formula catheter catheters procedure operation repair
node nodes dementia chorea ataxia encephalopathy thyroiditis disorder anomaly malformation
contracture esophagus oesophagus diverticulum cyst cysts gland glands tube tubes line lines
point points stain stains smear monitor protocol position pouch loop anastomosis incision
block needle forceps retractor lens method technique approach index stroke bundle bodies body
cell cells type types grade stage staging unit units tap valve shunt scope trial study
positive negative equivocal present absent elicited
""")

# Capitalised words after a name that make the run an institution or a place.
PLACE_TAILS = _words("""
falls creek spring springs junction crossing ridge valley hollow mill mills harbor harbour
bay point lake hills heights grove station landing bluff gap fork forks corner corners city
beach township village town county parish borough court way place terrace circle trail
""")

ORGANISATION_NOUNS = _words("""
hospital hospitals clinic clinics health healthcare medical medicine center centre university
college school institute foundation memorial general county street st avenue ave road rd
boulevard lane drive park square building tower wing pavilion hall station airport church
cathedral high elementary academy library museum department society association group
services service program programme network system trust board council committee
co-op coop co inc llc corp company factory plant warehouse store market farms mart depot
roofing plumbing construction lumber trucking motors foods dairy elevator cannery
""")

EPONYMS = _words("""
parkinson parkinsons alzheimer alzheimers cushing cushings addison addisons crohn crohns
hodgkin hodgkins graves hashimoto hashimotos guillain barre guillain-barre guillain-barré
kawasaki huntington huntingtons glasgow apgar babinski kussmaul cheyne cheyne-stokes
trendelenburg tourette tourettes raynaud raynauds sjogren sjögren sjogrens meniere ménière
paget pagets virchow virchows whipple wernicke korsakoff marfan brugada kaposi burkitt ewing
wilms osler romberg chvostek trousseau duchenne lyme asperger aspergers gehrig gehrigs foley
swan-ganz heimlich valsalva epley seldinger gram pap holter doppler coombs kleihauer
kleihauer-betke betke rinne dix-hallpike hallpike mallampati korotkoff brown-sequard
brown-séquard klumpke colles salter-harris lisfranc achilles bartholin fallopian eustachian
purkinje schwann langerhans reye reyes stevens-johnson legionnaires chagas zika ebola
barrett barretts meckel meckels hirschsprung hirschsprungs fallot nissen roux roux-en-y
billroth hartmann hartmanns mcburney mcburneys kernig brudzinski homans starling starlings
frank-starling laplace fick poiseuille henderson-hasselbalch hasselbalch kaplan-meier
glasgow-blatchford blatchford ranson ransons child-pugh centor caprini ehlers danlos
ehlers-danlos munchausen munchausens takotsubo tako-tsubo wolff-parkinson-white mobitz
wenckebach kerley braxton braxton-hicks ferriman gallwey tinel tinels phalen phalens
finkelstein lachman mcmurray spurling spurlings gower gowers
rovsing rovsings kehr kehrs nikolsky auspitz koebner lhermitte quincke duroziez chaddock
chvosteks trousseaus grey-turner kernigs brudzinskis mcmurrays lachmans
""")

PLACES = _words("""
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey mexico york
carolina dakota ohio oklahoma oregon pennsylvania rhode island tennessee texas utah vermont
virginia washington wisconsin wyoming america american americans usa canada england britain
scotland wales ireland ontario quebec midwest south north east west southern northern eastern
western new los san las santa fort boston chicago houston dallas denver phoenix seattle
atlanta miami detroit cleveland baltimore philadelphia pittsburgh portland nashville memphis
orleans francisco diego angeles vegas jose antonio minneapolis milwaukee cincinnati columbus
indianapolis louisville raleigh richmond albany buffalo rochester sacramento tampa
jacksonville omaha tucson albuquerque honolulu anchorage london paris berlin toronto
vancouver montreal africa asia europe india china japan korea vietnam philippines nigeria
kenya ghana ethiopia somalia haiti cuba puerto rico brazil colombia peru chile argentina
guatemala honduras salvador germany france italy spain portugal poland russia ukraine iran
iraq syria israel egypt pakistan bangladesh australia zealand caribbean latin
""")

ORGANISATIONS = _words("""
epic cerner meditech mychart uptodate mdcalc amboss jama nejm bmj lancet aha acc acgme aamc
nrmp eras nbme usmle comlex nih cdc fda who medicare medicaid mayo hopkins johns kaiser
stanford harvard yale duke emory baylor vanderbilt penn columbia cornell tufts brown
northwestern ucla ucsf nyu mgh brigham sinai cedars cleveland geisinger intermountain
ochsner providence ascension hca va tricare aetna cigna humana anthem bcbs unitedhealthcare
blue cross shield google apple microsoft amazon facebook instagram twitter tiktok reddit
youtube zoom teams slack uber lyft doordash starbucks walmart target costco cvs walgreens
netflix hulu spotify grey greys scrubs house er
""")

CLINICAL_CAPS = _words("""
icu ed er or pacu nicu picu micu sicu ccu cvicu pgy covid covid-19 sars hiv aids copd chf
cad ckd esrd dka hhs ards mi stemi nstemi pe dvt uti cva tia ams gcs nihss bp hr rr spo2
dnr dni polst molst md do rn np pa cna ms ma phd mph mba ai ekg ecg eeg emg ct mri pet cxr kub
iv im po prn bid tid qid npo abx vanc vanco zosyn lasix tylenol heparin insulin narcan
ativan haldol dilaudid morphine fentanyl ketamine propofol precedex levophed pressors
code rapid response stat sepsis trauma ortho neuro cardio onc gi renal pulm derm psych
peds ob gyn obgyn im fm em gen surg gensurg ent urology oncology medicine surgery
pediatrics psychiatry neurology cardiology nephrology radiology pathology anesthesia
palliative hospice chaplaincy pharmacy nursing social work case management
patient patients pt pts education safety care experience advocate advocacy portal
relations satisfaction services centered centred day week month access navigator
transport unit ward floor service team hospital clinic attending resident intern
fellow chief student nurse doctor dr doc mr mrs ms miss mx sir madam
english spanish french portuguese mandarin cantonese arabic russian haitian creole
vietnamese korean hindi polish somali hispanic latina latino latinx black white asian
jehovah catholic muslim jewish christian buddhist hindu sikh mormon baptist methodist
lutheran orthodox protestant bible quran torah church mass ok okay
""")

NOT_NAMES = FUNCTION | CALENDAR | EPONYMS | PLACES | ORGANISATIONS | CLINICAL_CAPS

# Sentence context that says "this sentence is about a patient".
PATIENT_CONTEXT_WORDS = _words("""
patient patients pt pts admitted admission readmitted discharged discharge died dying death
passed coded code intubated extubated diagnosed diagnosis prognosis biopsy scan results
cancer tumor tumour metastases metastatic chemo hospice dnr comfort family daughter son wife
husband mother father mom dad sister brother kids children grandson granddaughter
grandchildren bed room bedside icu unit floor ward er ed surgery procedure operation pain
meds told tell telling asked asking explained broke news visit visited visiting examined
consent consented held hand cried crying smiled smile thanked refused wanted wants asks
feeding tube ventilator vent dialysis transplant als stroke sepsis septic overdose fall
fell fracture amputation leukemia lymphoma hiv dementia delirium confused hallucinating
screamed yelled hugged pulled iv line labs she he her him his hers they them their sat
sitting holding comforted reassured examining nobody alone scared afraid dying goodbye
guy lady gentleman man woman
""")
